// QDF model files: a safetensors container whose metadata holds the config, validated strictly on read and write.
import { parameterShapes, type QdfConfig, type QdfModelData, type Weights } from "./config.js";
import { isReadout, READOUTS } from "./readout.js";
import { configBoundsProblem } from "./configBounds.js";
import { readSafetensors, SafetensorsError, writeSafetensors } from "../io/safetensors.js";
import { contentSha256 } from "../io/contentHash.js";

export class ModelFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ModelFileError";
  }
}

function fail(message: string): never {
  throw new ModelFileError(message);
}

/** The metadata keys of the reference files, in their order. */
const CONFIG_KEYS = [
  "basis_set",
  "radius",
  "grid_interval",
  "dim",
  "layer_functional",
  "hidden_HK",
  "layer_HK",
  "operation",
  "property",
  "orbital_dict",
] as const;

const INTEGER = /^[0-9]+$/;
const DECIMAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/** Python's str(float), which wrote the reference files: "1.0" for integral values, two-digit exponents. */
function pythonFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  return String(x).replace(/e([+-])(\d)$/, "e$10$2");
}

function formatOrbitalDict(d: Record<string, number>): string {
  // Python's json.dumps layout, rows in index order.
  const rows = Object.entries(d).sort((a, b) => a[1] - b[1]);
  return `{${rows.map(([k, v]) => `${JSON.stringify(k)}: ${v}`).join(", ")}}`;
}

/** The optional metadata key of QdfConfig.atomCountRange (absent in older files and in the reference's). */
export const ATOM_COUNT_RANGE = "atom_count_range";

export function configToMetadata(c: QdfConfig): Record<string, string> {
  return {
    basis_set: c.basisSet,
    radius: pythonFloat(c.radius),
    grid_interval: pythonFloat(c.gridInterval),
    dim: String(c.dim),
    layer_functional: String(c.layerFunctional),
    hidden_HK: String(c.hiddenHK),
    layer_HK: String(c.layerHK),
    operation: c.operation,
    property: c.property,
    orbital_dict: formatOrbitalDict(c.orbitalDict),
    ...(c.atomCountRange ? { [ATOM_COUNT_RANGE]: JSON.stringify(c.atomCountRange) } : {}),
    // Only a nuclei field is written: grid models keep the reference files' exact key set.
    ...(c.field === "atoms" ? { field: "atoms" } : {}),
  };
}

function positiveNumber(meta: Record<string, string>, key: string): number {
  const s = meta[key]!;
  const x = DECIMAL.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(x) || x <= 0) fail(`metadata "${key}" must be a finite positive number, got ${JSON.stringify(s)}`);
  return x;
}

function positiveInteger(meta: Record<string, string>, key: string): number {
  const s = meta[key]!;
  const x = INTEGER.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(x) || x <= 0) fail(`metadata "${key}" must be a positive integer, got ${JSON.stringify(s)}`);
  return x;
}

function parseOrbitalDict(s: string): Record<string, number> {
  let d: unknown;
  try {
    d = JSON.parse(s);
  } catch {
    fail(`metadata "orbital_dict" is not valid JSON`);
  }
  if (typeof d !== "object" || d === null || Array.isArray(d)) fail(`metadata "orbital_dict" is not a JSON object`);
  const entries = Object.entries(d);
  if (entries.length === 0) fail(`metadata "orbital_dict" is empty`);
  const used = new Map<number, string>();
  for (const [name, v] of entries) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= entries.length) {
      fail(`metadata "orbital_dict": index of ${JSON.stringify(name)} must be an integer in 0..${entries.length - 1}, got ${JSON.stringify(v)}`);
    }
    const other = used.get(v);
    if (other !== undefined) fail(`metadata "orbital_dict": ${JSON.stringify(name)} and ${JSON.stringify(other)} share index ${v}`);
    used.set(v, name);
  }
  // n distinct indices in 0..n-1 cover every row, so no gap check is needed.
  return Object.fromEntries(entries) as Record<string, number>;
}

/** "[min,max]": two integers, 1 <= min <= max. */
export function parseAtomCountRange(s: string): [number, number] {
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isSafeInteger(x)) || v[0] < 1 || v[0] > v[1]) {
    fail(`metadata "${ATOM_COUNT_RANGE}" must be a JSON array [min, max] of atom counts with 1 <= min <= max, got ${JSON.stringify(s)}`);
  }
  return [v[0], v[1]];
}

export function configFromMetadata(meta: Record<string, string>, weights: Weights): QdfConfig {
  for (const key of CONFIG_KEYS) {
    if (!Object.hasOwn(meta, key)) fail(`metadata key "${key}" is missing`);
    if (typeof meta[key] !== "string") fail(`metadata "${key}" is not a string`);
  }
  const operation = meta.operation;
  if (!isReadout(operation)) fail(`metadata "operation" must be ${READOUTS.map((r) => JSON.stringify(r)).join(" or ")}, got ${JSON.stringify(operation)}`);
  if (meta.basis_set === "") fail(`metadata "basis_set" is empty`);
  const field = meta.field ?? "grid";
  if (field !== "grid" && field !== "atoms") fail(`metadata "field" must be "grid" or "atoms", got ${JSON.stringify(field)}`);
  // K is not stored in the metadata: the reference's output layer carries it.
  const wp = weights.get("W_property.weight");
  if (wp === undefined) fail(`tensor "W_property.weight" is missing (it gives the number of outputs)`);
  const outputs = wp.shape[0];
  if (wp.shape.length !== 2 || outputs === undefined || outputs < 1) {
    fail(`tensor "W_property.weight" has shape ${JSON.stringify(wp.shape)}, expected [outputs >= 1, dim]`);
  }
  const config: QdfConfig = {
    basisSet: meta.basis_set!,
    ...(field === "atoms" ? { field } : {}),
    radius: positiveNumber(meta, "radius"),
    gridInterval: positiveNumber(meta, "grid_interval"),
    dim: positiveInteger(meta, "dim"),
    layerFunctional: positiveInteger(meta, "layer_functional"),
    hiddenHK: positiveInteger(meta, "hidden_HK"),
    layerHK: positiveInteger(meta, "layer_HK"),
    operation,
    property: meta.property!,
    orbitalDict: parseOrbitalDict(meta.orbital_dict!),
    outputs,
    ...(Object.hasOwn(meta, ATOM_COUNT_RANGE) ? { atomCountRange: parseAtomCountRange(String(meta[ATOM_COUNT_RANGE])) } : {}),
  };
  const outOfBounds = configBoundsProblem(config, (k) => `metadata "${METADATA_KEY[k]}"`);
  if (outOfBounds) fail(outOfBounds);
  return config;
}

const METADATA_KEY = {
  radius: "radius", gridInterval: "grid_interval", dim: "dim", layerFunctional: "layer_functional", hiddenHK: "hidden_HK", layerHK: "layer_HK",
} as const;

/** Checks names, shapes and values against the config; returns the weights in parameterShapes order. */
function checkWeights(config: QdfConfig, weights: Weights): Weights {
  const expected = parameterShapes(config);
  const out: Weights = new Map();
  for (const [name, shape] of expected) {
    const t = weights.get(name);
    if (t === undefined) fail(`tensor "${name}" is missing`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      fail(`tensor "${name}" has shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(shape)}`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) fail(`tensor "${name}" has ${t.data.length} values, expected ${n}`);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(t.data[i]!)) fail(`tensor "${name}" has a non-finite value (${t.data[i]}) at index ${i}`);
    }
    out.set(name, t);
  }
  const known = new Set(expected.map(([name]) => name));
  for (const name of weights.keys()) {
    if (!known.has(name)) fail(`unknown tensor "${name}" (not a parameter of this config)`);
  }
  return out;
}

export function readModelFile(bytes: Uint8Array): QdfModelData {
  let file;
  try {
    file = readSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new ModelFileError(`not a valid safetensors file: ${e.message}`, { cause: e });
    throw e;
  }
  const { [INTEGRITY_KEY]: hash, ...rest } = file.metadata;
  // Files written by qdf carry it; the published ones (and other tools') do not, and still load.
  if (hash !== undefined && hash !== contentSha256(file.tensors, rest)) {
    fail(`the file fails its integrity check (metadata "${INTEGRITY_KEY}" does not match its tensors and metadata): damaged or edited`);
  }
  const config = configFromMetadata(file.metadata, file.tensors);
  return { config, weights: checkWeights(config, file.tensors) };
}

/** The metadata key of a model file's SHA-256 over its tensors and other metadata (see contentSha256). */
export const INTEGRITY_KEY = "qdf_sha256";

/**
 * The model file's bytes. With `integrity`, metadata "qdf_sha256" records a hash that readModelFile checks; without it
 * the file is as the reference writes it (the published model is re-written byte for byte).
 */
export function writeModelFile(model: QdfModelData, extraMetadata?: Record<string, string>, options: { integrity?: boolean } = {}): Uint8Array {
  const meta = configToMetadata(model.config);
  // Parse our own metadata back: a file this writes must be one readModelFile accepts, with the same config.
  const parsed = configFromMetadata(meta, model.weights);
  if (parsed.outputs !== model.config.outputs) {
    fail(`config.outputs is ${model.config.outputs} but "W_property.weight" has ${parsed.outputs} rows`);
  }
  const weights = checkWeights(model.config, model.weights);
  for (const [k, v] of Object.entries(extraMetadata ?? {})) {
    if (Object.hasOwn(meta, k)) fail(`extra metadata key "${k}" would overwrite the config`);
    if (typeof v !== "string") fail(`extra metadata "${k}" is not a string`);
  }
  if (extraMetadata && Object.hasOwn(extraMetadata, INTEGRITY_KEY)) fail(`extra metadata key "${INTEGRITY_KEY}" is written by qdf itself`);
  const all = { ...meta, ...extraMetadata };
  try {
    return writeSafetensors(weights, options.integrity ? { ...all, [INTEGRITY_KEY]: contentSha256(weights, all) } : all);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new ModelFileError(e.message, { cause: e });
    throw e;
  }
}
