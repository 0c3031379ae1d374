// Rollup bundles: Node ESM (library, CLI, prediction and training workers) in dist/node; browser ESM (library, web page) with tfjs's .wasm beside it.
import { nodeResolve } from "@rollup/plugin-node-resolve";
import commonjs from "@rollup/plugin-commonjs";
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

// Bundles are made from tsc's output (dist/src, dist/web, dist/bench), so rollup needs no TypeScript plugin.
const tfjsWasmDir = "node_modules/@tensorflow/tfjs-backend-wasm/dist";
const tfjsWasm = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"];

/**
 * In browser builds the platform modules are the .browser.js ones: spawn (Web Workers instead of worker_threads) and
 * openchemlib's resources (inlined instead of read from its package folder).
 */
const BROWSER_PLATFORM = { workers: ["./spawn.js", "./embedSpawn.js"], chem: ["./openchemlibResources.js"] };
function browserPlatform() {
  return {
    name: "qdf-browser-platform",
    resolveId(source, importer) {
      if (importer && BROWSER_PLATFORM[basename(dirname(importer))]?.includes(source)) {
        return resolve(dirname(importer), source.replace(/\.js$/, ".browser.js"));
      }
      return null;
    },
  };
}

/** The virtual module qdf:openchemlib-resources: the conformer (COD) and MMFF94 tables of openchemlib's resources.json. */
function openchemlibResources() {
  const id = "\0qdf:openchemlib-resources";
  return {
    name: "qdf-openchemlib-resources",
    resolveId: (source) => (source === "qdf:openchemlib-resources" ? id : null),
    load(loaded) {
      if (loaded !== id) return null;
      const all = JSON.parse(readFileSync("node_modules/openchemlib/dist/resources.json", "utf8"));
      const tables = Object.fromEntries(Object.entries(all).filter(([k]) => /\/(cod|forcefield)\//.test(k)));
      return `export default ${JSON.stringify(tables)};`;
    },
  };
}

/** Empties the output folder first: chunk names carry hashes, so old ones would pile up (and ship). */
function clean(dir) {
  return { name: "qdf-clean", buildStart: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies files (or { text }) into the output folder as assets (tfjs's .wasm, the page's html, models). */
function assets(files) {
  return {
    name: "qdf-assets",
    generateBundle() {
      for (const [fileName, from] of files) {
        this.emitFile({ type: "asset", fileName, source: typeof from === "string" ? readFileSync(from) : from.text });
      }
    },
  };
}

/**
 * Models the page preloads: QDF_WEB_MODEL (a .safetensors path) if set, else the shipped models (models/*.safetensors,
 * the one models/models.json marks default first), listed in models/index.json so the page needs no directory
 * listing; it preloads the first. None: the page asks for a file.
 */
function pageModels() {
  const shipped = () => {
    const files = readdirSync("models").filter((f) => f.endsWith(".safetensors")).sort();
    const list = existsSync("models/models.json") ? JSON.parse(readFileSync("models/models.json", "utf8")) : [];
    const rank = (f) => (list.find((m) => m.file === f)?.default ? 0 : 1);
    return files.sort((a, b) => rank(a) - rank(b)).map((f) => join("models", f));
  };
  const chosen = process.env.QDF_WEB_MODEL ? [process.env.QDF_WEB_MODEL] : existsSync("models") ? shipped() : [];
  const files = chosen.map((p) => [`models/${basename(p)}`, p]);
  const index = JSON.stringify(files.map(([name]) => name));
  return [
    ...files,
    ["models/index.json", { text: index }],
  ];
}

/** Rollup writes files without the run bit; the CLI bundle is package.json's bin, so every build makes it executable. */
function executable(file) {
  return { name: "qdf-executable", writeBundle: () => chmodSync(file, 0o755) };
}

const browserPlugins = [browserPlatform(), openchemlibResources(), nodeResolve({ browser: true, preferBuiltins: false }), commonjs()];
const onwarn = (w, warn) => {
  // tfjs's ESM files use `this` at top level and have circular imports: harmless, and not ours to fix.
  if (w.code === "THIS_IS_UNDEFINED" || w.code === "CIRCULAR_DEPENDENCY") return;
  // 3Dmol.js's minified build calls eval (and the warning would print all of its one line).
  if (w.code === "EVAL" && /[\\/]3dmol[\\/]/.test(w.id ?? "")) return;
  warn(w);
};
const tfjsAssets = tfjsWasm.map((f) => [f, join(tfjsWasmDir, f)]);

const node = {
  input: {
    index: "dist/src/node/index.js",
    cli: "bin/qdf.js",
    workerNode: "dist/src/workers/workerNode.js",
    trainWorkerNode: "dist/src/train/trainWorkerNode.js",
    embedWorkerNode: "dist/src/workers/embedWorkerNode.js",
  },
  // Dependencies stay packages (tfjs finds its own .wasm in node_modules); everything of ours is bundled.
  external: (id) => !id.startsWith(".") && !id.startsWith("/") && !id.startsWith("\0"),
  plugins: [clean("dist/node"), executable("dist/node/cli.js")],
  output: { dir: "dist/node", format: "es", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js", sourcemap: true },
  onwarn,
};

// The library for browsers: import from dist/browser/index.js; workers and .wasm files sit beside it.
const browser = {
  input: { index: "dist/src/index.js", workerBrowser: "dist/src/workers/workerBrowser.js", embedWorkerBrowser: "dist/src/workers/embedWorkerBrowser.js" },
  plugins: [clean("dist/browser"), ...browserPlugins, assets(tfjsAssets)],
  output: { dir: "dist/browser", format: "es", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js", sourcemap: true },
  onwarn,
};

// The web page: static files any server can host (npm run serve serves them); no network at run time. 3Dmol.js is a
// chunk of its own, loaded on the first 3D view; the density worker computes rho for it.
const page = {
  input: {
    app: "dist/web/app.js",
    workerBrowser: "dist/src/workers/workerBrowser.js",
    embedWorkerBrowser: "dist/src/workers/embedWorkerBrowser.js",
    densityWorker: "dist/web/densityWorker.js",
  },
  plugins: [clean("dist/page"), ...browserPlugins, assets([...tfjsAssets, ["index.html", "web/index.html"], ...pageModels()])],
  output: { dir: "dist/page", format: "es", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js", sourcemap: true },
  onwarn,
};

// The browser benchmark page (npm run bench:predict-browser builds and drives it).
const benchPage = {
  input: { bench: "dist/bench/browser/bench.js", workerBrowser: "dist/src/workers/workerBrowser.js", embedWorkerBrowser: "dist/src/workers/embedWorkerBrowser.js" },
  plugins: [clean("dist/bench-page"), ...browserPlugins, assets([...tfjsAssets, ["index.html", "bench/browser/index.html"]])],
  output: { dir: "dist/bench-page", format: "es", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js", sourcemap: true },
  onwarn,
};

const targets = { node, browser, page, bench: benchPage };
// QDF_BUNDLES=node,page builds a subset (default: node, browser and page).
const wanted = (process.env.QDF_BUNDLES ?? "node,browser,page").split(",");
export default wanted.map((name) => {
  if (!targets[name]) throw new Error(`unknown bundle "${name}" in QDF_BUNDLES`);
  return targets[name];
});
