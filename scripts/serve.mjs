#!/usr/bin/env node
// A tiny static file server (node:http, no dependency) for the built web page: `npm run serve` -> http://127.0.0.1:8080/.
import { createServer } from "node:http";
import { createReadStream, statSync } from "node:fs";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm", // needed for WebAssembly.instantiateStreaming
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
  ".xyz": "text/plain; charset=utf-8",
  ".safetensors": "application/octet-stream",
};

/**
 * Serves `root` on 127.0.0.1 (port 0 picks a free one). `extra` maps URL paths to files outside root (benchmarks serve
 * their data this way). Resolves to { url, close }.
 */
export function startServer({ root, port = 8080, host = "127.0.0.1", extra = {} }) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      res.writeHead(400).end("bad request");
      return;
    }
    let file = extra[path];
    if (!file) {
      file = join(base, path.endsWith("/") ? `${path}index.html` : path);
      // Never outside root ("..", encoded or not).
      if (file !== base && !file.startsWith(base + sep)) {
        res.writeHead(403).end("forbidden");
        return;
      }
    }
    let size;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error("not a file");
      size = st.size;
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
      "content-length": size,
      "cache-control": "no-cache",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePromise({
        url: `http://${host}:${address.port}/`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

// Run as a script: node scripts/serve.mjs [ROOT] [--port N]
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const portAt = args.indexOf("--port");
  const port = portAt >= 0 ? Number(args.splice(portAt, 2)[1]) : Number(process.env.PORT ?? 8080);
  const root = args[0] ?? fileURLToPath(new URL("../dist/page", import.meta.url));
  const { url } = await startServer({ root, port });
  console.log(`serving ${root} at ${url} (Ctrl-C to stop)`);
}
