// Types of scripts/serve.mjs (the static server the web page, its tests and the browser benchmark use).
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}
export function startServer(options: { root: string; port?: number; host?: string; extra?: Record<string, string> }): Promise<StaticServer>;
