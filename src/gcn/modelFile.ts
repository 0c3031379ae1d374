// GCN model files: safetensors with metadata architecture=gcn and the config, validated on read and write.
import { readSafetensors, SafetensorsError, writeSafetensors } from "../io/safetensors.js";
import { ATOM_COUNT_RANGE, ModelFileError, parseAtomCountRange } from "../model/modelFile.js";
import type { Weights } from "../model/config.js";
import { ARCHITECTURE_KEY, gcnParameterShapes, type GcnConfig, type GcnModelData } from "./config.js";

function fail(message: string): never {
  throw new ModelFileError(message);
}

export function gcnConfigToMetadata(c: GcnConfig): Record<string, string> {
  return {
    [ARCHITECTURE_KEY]: "gcn", dim: String(c.dim), layer_hidden: String(c.layerHidden), layer_output: String(c.layerOutput),
    operation: c.operation, property: c.property, atom_dict: JSON.stringify(c.atomDict), outputs: String(c.outputs),
    ...(c.atomCountRange ? { [ATOM_COUNT_RANGE]: JSON.stringify(c.atomCountRange) } : {}),
  };
}

function positiveInteger(meta: Record<string, string>, key: string, min = 1): number {
  const s = meta[key];
  if (s === undefined) fail(`metadata key "${key}" is missing`);
  const x = /^[0-9]+$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(x) || x < min) fail(`metadata "${key}" must be an integer >= ${min}, got ${JSON.stringify(s)}`);
  return x;
}

export function gcnConfigFromMetadata(meta: Record<string, string>): GcnConfig {
  if (meta[ARCHITECTURE_KEY] !== "gcn") fail(`metadata "${ARCHITECTURE_KEY}" is ${JSON.stringify(meta[ARCHITECTURE_KEY])}, not "gcn"`);
  const operation = meta.operation;
  if (operation !== "sum" && operation !== "mean") fail(`metadata "operation" must be "sum" or "mean", got ${JSON.stringify(operation)}`);
  let dict: unknown;
  try { dict = JSON.parse(meta.atom_dict ?? ""); } catch { fail(`metadata "atom_dict" is missing or not JSON`); }
  if (typeof dict !== "object" || dict === null || Array.isArray(dict)) fail(`metadata "atom_dict" is not a JSON object`);
  const entries = Object.entries(dict);
  const seen = new Set<number>();
  for (const [s, i] of entries) {
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= entries.length || seen.has(i)) {
      fail(`metadata "atom_dict": ${JSON.stringify(s)} has a bad or repeated index ${JSON.stringify(i)}`);
    }
    seen.add(i);
  }
  if (entries.length === 0) fail(`metadata "atom_dict" is empty`);
  return {
    dim: positiveInteger(meta, "dim"), layerHidden: positiveInteger(meta, "layer_hidden", 0),
    layerOutput: positiveInteger(meta, "layer_output", 0), operation, property: meta.property ?? "property",
    atomDict: Object.fromEntries(entries) as Record<string, number>, outputs: positiveInteger(meta, "outputs"),
    ...(Object.hasOwn(meta, ATOM_COUNT_RANGE) ? { atomCountRange: parseAtomCountRange(meta[ATOM_COUNT_RANGE]!) } : {}),
  };
}

/** Checks names, shapes and finiteness; returns the weights in parameter order. */
export function checkGcnWeights(config: GcnConfig, weights: Weights): Weights {
  const out: Weights = new Map();
  const shapes = gcnParameterShapes(config);
  for (const [name, shape] of shapes) {
    const t = weights.get(name);
    if (!t) fail(`tensor "${name}" is missing`);
    if (t.shape.join(",") !== shape.join(",")) fail(`tensor "${name}" has shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(shape)}`);
    const bad = t.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(`tensor "${name}" has a non-finite value at index ${bad}`);
    out.set(name, t);
  }
  for (const name of weights.keys()) if (!shapes.some(([n]) => n === name)) fail(`unknown tensor "${name}" (not a GCN parameter)`);
  return out;
}

export function readGcnModelFile(bytes: Uint8Array): GcnModelData & { metadata: Record<string, string> } {
  let file;
  try {
    file = readSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new ModelFileError(`not a valid safetensors file: ${e.message}`, { cause: e });
    throw e;
  }
  const config = gcnConfigFromMetadata(file.metadata);
  return { config, weights: checkGcnWeights(config, file.tensors), metadata: file.metadata };
}

export function writeGcnModelFile(model: GcnModelData, extraMetadata: Record<string, string> = {}): Uint8Array {
  const meta = gcnConfigToMetadata(model.config);
  gcnConfigFromMetadata(meta);
  for (const k of Object.keys(extraMetadata)) if (Object.hasOwn(meta, k)) fail(`extra metadata key "${k}" would overwrite the config`);
  return writeSafetensors(checkGcnWeights(model.config, model.weights), { ...meta, ...extraMetadata });
}
