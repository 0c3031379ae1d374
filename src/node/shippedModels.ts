// The models shipped in the package's models/ folder (models/models.json lists them), found from the installed code.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { QdfModel } from "../model/qdf.js";
import { loadModel } from "../predict/predictor.js";

/** One entry of models/models.json: what a shipped model predicts, what it saw, how well it does. */
export interface ShippedModel {
  /** File name in models/. */
  file: string;
  /** Absolute path of the file. */
  path: string;
  /** The default model of every command (exactly one is). */
  default: boolean;
  property: string;
  unit: string;
  /** What it was trained on. */
  trainingData: string;
  /** Measured accuracy, with on what. */
  mae: string;
  /** Who made it and where it comes from. */
  source: string;
  licence: string;
}

let root: string | undefined;

/**
 * The package's root: the nearest folder above this module with qdf-wasm's package.json. The same code runs from
 * dist/src/node/ (tsc), dist/node/ (the bundle) and node_modules/qdf-wasm/dist/node/ (installed).
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "qdf-wasm") return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`qdf-wasm's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Every model listed in models/models.json, in its order. */
export function shippedModels(): ShippedModel[] {
  const dir = join(packageRoot(), "models");
  const listPath = join(dir, "models.json");
  const list = JSON.parse(readFileSync(listPath, "utf8")) as Omit<ShippedModel, "path">[];
  if (list.filter((m) => m.default).length !== 1) throw new Error(`${listPath} must mark exactly one model "default": true`);
  return list.map((m) => ({ ...m, path: join(dir, m.file) }));
}

/** Path of the default model (the authors' published QM9 model): what --model defaults to. */
export function defaultModelPath(): string {
  return shippedModels().find((m) => m.default)!.path;
}

/** The default model, loaded (Node only; in a browser fetch a model file and call loadModel with its bytes). */
export async function loadDefaultModel(): Promise<QdfModel> {
  return loadModel(readFileSync(defaultModelPath()));
}
