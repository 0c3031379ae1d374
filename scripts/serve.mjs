#!/usr/bin/env node
// A tiny static file server (node:http, no dependency) for the built pages: `npm run serve [-- --port N]` -> http://127.0.0.1:8080/.
import { createServer } from "node:http";
import { createReadStream, existsSync, statSync } from "node:fs";
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
 * their data this way). With `fallback`, a port in use is replaced by a free one (`busy` then names it). Resolves to
 * { url, close, busy? }.
 */
export function startServer({ root, port = 8080, host = "127.0.0.1", extra = {}, fallback = false }) {
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
    let busy;
    server.on("error", (e) => {
      if (e.code === "EADDRINUSE" && fallback && busy === undefined) {
        busy = port;
        server.listen(0, host);
      } else reject(e);
    });
    server.on("listening", () => {
      const address = server.address();
      resolvePromise({
        url: `http://${host}:${address.port}/`,
        busy,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
    server.listen(port, host);
  });
}

const USAGE = `usage: node scripts/serve.mjs [ROOT] [--port N]   (npm run serve -- --port N)

Serves ROOT (default dist/page, the web page) on http://127.0.0.1:N/.
  --port N    the port (default 8080, or $PORT); if it is in use, a free port is taken instead and printed
  -h, --help  this help`;

/** Parses the script's arguments; exits with a message (no stack) on bad ones. */
function parseCli(args) {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  let port = process.env.PORT ?? "8080";
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--port") port = args[++i];
    else if (args[i].startsWith("--port=")) port = args[i].slice(7);
    else rest.push(args[i]);
  }
  const n = Number(port);
  if (port === undefined || !/^\d+$/.test(port) || n > 65535) {
    process.stderr.write(`serve: --port needs a port number 0..65535, got ${JSON.stringify(port ?? "")}\n${USAGE}\n`);
    process.exit(2);
  }
  if (rest.length > 1 || rest.some((a) => a.startsWith("-"))) {
    process.stderr.write(`serve: unexpected arguments ${rest.join(" ")}\n${USAGE}\n`);
    process.exit(2);
  }
  return { port: n, root: rest[0] };
}

// Run as a script: node scripts/serve.mjs [ROOT] [--port N]
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cli = parseCli(process.argv.slice(2));
  const root = cli.root ?? fileURLToPath(new URL("../dist/page", import.meta.url));
  if (!existsSync(join(root, "index.html"))) {
    process.stderr.write(`serve: ${join(root, "index.html")} not found: build it first (npm run build, or npm run build:page)\n`);
    process.exit(1);
  }
  try {
    const { url, busy } = await startServer({ root, port: cli.port, fallback: true });
    if (busy !== undefined) process.stderr.write(`serve: port ${busy} is in use, so a free port was taken instead\n`);
    console.log(`serving ${root} at ${url} (Ctrl-C to stop)`);
  } catch (e) {
    process.stderr.write(`serve: cannot listen on 127.0.0.1:${cli.port}: ${e.code ?? ""} ${e.message}\n`);
    process.exit(1);
  }
}
