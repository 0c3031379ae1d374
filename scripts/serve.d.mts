// Types of scripts/serve.mjs (the static server the web page, its tests and the browser benchmark use).
export interface StaticServer {
  url: string;
  /** With `fallback`: the requested port, when it was in use and a free one was taken instead. */
  busy?: number;
  close(): Promise<void>;
}
export function startServer(options: { root: string; port?: number; host?: string; extra?: Record<string, string>; fallback?: boolean }): Promise<StaticServer>;
