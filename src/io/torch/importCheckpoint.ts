// Turns a PyTorch QDF checkpoint (legacy or zip) and its orbital table into a QdfModelData, executing nothing from the file.
import { isReadout, READOUTS } from "../../model/readout.js";
import { parameterShapes, type Float32Tensor, type QdfConfig, type QdfModelData, type Readout, type Weights } from "../../model/config.js";
import { readLegacyCheckpoint } from "./legacy.js";
import { TorchCheckpointError, PyDict, fail, readPickle, type TensorRef, type TorchCheckpoint } from "./pickle.js";
import { isZip, readZipCheckpoint } from "./zip.js";

export { TorchCheckpointError } from "./pickle.js";

export interface ImportOptions {
  basisSet?: string;
  radius?: number;
  gridInterval?: number;
  operation?: Readout;
  property?: string;
}

export const IMPORT_DEFAULTS = {
  basisSet: "6-31G",
  radius: 0.75,
  gridInterval: 0.3,
  operation: "sum",
  property: "atomization energy (eV)",
} as const satisfies Required<ImportOptions>;

/** Reads either checkpoint format, told apart as torch.load does: by the zip magic. */
function readTorchCheckpoint(bytes: Uint8Array): TorchCheckpoint {
  return isZip(bytes) ? readZipCheckpoint(bytes) : readLegacyCheckpoint(bytes);
}

/** A contiguous row-major copy of a (possibly strided) float32 tensor, every index checked against its storage. */
function materializeTensor(name: string, t: TensorRef, storages: Map<string, Uint8Array>): Float32Tensor {
  const s = t.storage;
  const what = `tensor ${JSON.stringify(name)}`;
  if (s.dtype !== "float32") fail(`${what} is stored as ${s.typeName} (${s.dtype}); only float32 (torch.FloatStorage) is supported`);
  const bytes = storages.get(s.key);
  if (bytes === undefined) fail(`${what}: storage ${JSON.stringify(s.key)} is missing from the checkpoint`);
  if (bytes.length % 4 !== 0) fail(`${what}: storage ${JSON.stringify(s.key)} has ${bytes.length} bytes, not a whole number of float32 values`);
  const available = bytes.length / 4;
  if (s.viewOffset + s.numel > available) {
    fail(`${what}: storage ${JSON.stringify(s.key)} holds ${available} elements, fewer than the ${s.viewOffset + s.numel} its persistent id declares`);
  }
  let count = 1;
  let last = t.offset;
  for (let d = 0; d < t.shape.length; d++) {
    count *= t.shape[d]!;
    last += Math.max(t.shape[d]! - 1, 0) * t.stride[d]!;
  }
  // More elements than the storage holds needs overlapping (e.g. zero) strides; refused, as a tiny file could
  // otherwise make us allocate gigabytes. State_dicts of nn.Linear layers never do this.
  if (!Number.isSafeInteger(count) || count > s.numel) {
    fail(`${what}: shape [${t.shape}] has ${count} elements, more than the ${s.numel} of its storage ${JSON.stringify(s.key)}`);
  }
  // Strides are non-negative, so the largest index is offset + sum((size-1)*stride) and the smallest is offset.
  if (count > 0 && !(Number.isSafeInteger(last) && last < s.numel)) {
    fail(`${what}: shape [${t.shape}] with stride [${t.stride}] at offset ${t.offset} reaches element ${last} of storage ${JSON.stringify(s.key)}, which has only ${s.numel} elements`);
  }
  // Copied as 32-bit patterns (not through numbers) so every value, NaN payloads included, stays bit-identical.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint32Array(count);
  const rank = t.shape.length;
  const idx = new Array<number>(rank).fill(0);
  let src = s.viewOffset + t.offset;
  for (let i = 0; i < count; i++) {
    out[i] = view.getUint32(src * 4, true);
    // Odometer step in row-major order.
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < t.shape[d]!) {
        src += t.stride[d]!;
        break;
      }
      src -= (t.shape[d]! - 1) * t.stride[d]!;
      idx[d] = 0;
    }
  }
  return { shape: [...t.shape], data: new Float32Array(out.buffer) };
}

/**
 * Materialises the named tensors (all by default). Shared storages let a small file name the same big storage
 * many times, so the total copied is capped at 4x the elements actually stored (tied weights stay well inside).
 */
function materializeAll(ckpt: TorchCheckpoint, names?: Iterable<string>): Weights {
  const refs = new Map(ckpt.entries);
  let stored = 0;
  for (const b of ckpt.storages.values()) stored += Math.floor(b.length / 4);
  let budget = 4 * stored + 1024;
  const weights: Weights = new Map();
  for (const name of names ?? refs.keys()) {
    const t = materializeTensor(name, refs.get(name)!, ckpt.storages);
    budget -= t.data.length;
    if (budget < 0) fail(`the tensors would expand ${stored} stored elements more than 4 times over (shared storages): refused`);
    weights.set(name, t);
  }
  return weights;
}

/** Every tensor of a checkpoint as float32, in state_dict order. */
export function loadTorchStateDict(bytes: Uint8Array): Weights {
  return materializeAll(readTorchCheckpoint(bytes));
}

type Shapes = Map<string, { shape: number[] }>;

function shapeOf(weights: Shapes, name: string, rank: number): number[] {
  const t = weights.get(name);
  if (t === undefined) fail(`the checkpoint has no tensor ${JSON.stringify(name)}: not a QDF model state_dict`);
  if (t.shape.length !== rank || t.shape.some((d) => d < 1)) fail(`tensor ${JSON.stringify(name)} has shape [${t.shape}], expected ${rank} non-zero dimensions`);
  return t.shape;
}

function countLayers(weights: Shapes, prefix: string): number {
  let n = 0;
  while (weights.has(`${prefix}.${n}.weight`)) n++;
  if (n === 0) fail(`the checkpoint has no tensor "${prefix}.0.weight": not a QDF model state_dict`);
  return n;
}

function checkOrbitalTable(table: Record<string, number>, rows: number): void {
  const entries = Object.entries(table);
  if (entries.length !== rows) fail(`the orbital table has ${entries.length} entries but coefficient.weight has ${rows} rows`);
  const used = new Map<number, string>();
  for (const [name, i] of entries) {
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= rows) fail(`orbital ${JSON.stringify(name)} has index ${JSON.stringify(i)}, not a row of coefficient.weight (0..${rows - 1})`);
    const other = used.get(i);
    if (other !== undefined) fail(`orbitals ${JSON.stringify(other)} and ${JSON.stringify(name)} share row ${i}`);
    used.set(i, name);
  }
}

/** Imports a QDF state_dict: sizes come from the tensors, the rest of the config from options (the checkpoint has none). */
export function importTorchCheckpoint(bytes: Uint8Array, orbitalTable: Record<string, number>, options: ImportOptions = {}): QdfModelData {
  const o = { ...IMPORT_DEFAULTS, ...options };
  if (typeof o.basisSet !== "string" || o.basisSet.trim() === "") fail("the basis set name is empty");
  if (!(o.radius > 0 && Number.isFinite(o.radius))) fail(`radius must be a positive number, got ${o.radius}`);
  if (!(o.gridInterval > 0 && Number.isFinite(o.gridInterval))) fail(`grid interval must be a positive number, got ${o.gridInterval}`);
  if (!isReadout(o.operation)) fail(`readout must be ${READOUTS.map((r) => JSON.stringify(r)).join(" or ")}, got ${JSON.stringify(o.operation)}`);

  // Sizes and names are checked on the tensor records first, so only the model's own tensors are ever copied.
  const ckpt = readTorchCheckpoint(bytes);
  const weights: Shapes = new Map(ckpt.entries);
  const [rows, dim] = shapeOf(weights, "coefficient.weight", 2) as [number, number];
  checkOrbitalTable(orbitalTable, rows);
  const config: QdfConfig = {
    basisSet: o.basisSet,
    radius: o.radius,
    gridInterval: o.gridInterval,
    dim,
    layerFunctional: countLayers(weights, "W_functional"),
    hiddenHK: shapeOf(weights, "W_density.weight", 2)[0]!,
    layerHK: countLayers(weights, "W_HK"),
    operation: o.operation,
    property: o.property,
    orbitalDict: Object.fromEntries(Object.entries(orbitalTable)),
    outputs: shapeOf(weights, "W_property.weight", 2)[0]!,
  };

  // Every tensor must be exactly the parameter the inferred config implies, and nothing else may be present.
  const expected = parameterShapes(config);
  for (const [name, shape] of expected) {
    const t = weights.get(name);
    if (t === undefined) fail(`the checkpoint has no tensor ${JSON.stringify(name)}, which a model of dim ${dim}, ${config.layerFunctional} functional layers, HK hidden ${config.hiddenHK} x ${config.layerHK} layers needs`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      fail(`tensor ${JSON.stringify(name)} has shape [${t.shape}], expected [${shape}] (dim ${dim}, HK hidden ${config.hiddenHK}, ${rows} orbitals, ${config.outputs} outputs)`);
    }
  }
  const known = new Set(expected.map(([name]) => name));
  for (const name of weights.keys()) {
    if (!known.has(name)) fail(`the checkpoint has an unexpected tensor ${JSON.stringify(name)}, not a parameter of a QDF model`);
  }
  const out = materializeAll(ckpt, known);
  for (const [name, t] of out) {
    const bad = t.data.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(`tensor ${JSON.stringify(name)} has a non-finite value (${t.data[bad]}) at index ${bad}`);
  }
  return { config, weights: out };
}

/** The orbital table (name -> row) from the authors' pickled dict or from a JSON object. */
export function readOrbitalTable(bytes: Uint8Array): Record<string, number> {
  // A pickle starts with an opcode, JSON with '{' after an optional BOM and whitespace.
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d) i++;
  let entries: [unknown, unknown][];
  if (bytes[i] === 0x7b) {
    let v: unknown;
    try {
      v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch (e) {
      fail(`orbital table: not valid JSON: ${(e as Error).message}`);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail("orbital table: the JSON is not an object");
    entries = Object.entries(v);
  } else {
    let v;
    try {
      v = readPickle(bytes, 0, { what: "the orbital table" });
    } catch (e) {
      if (e instanceof TorchCheckpointError) throw new TorchCheckpointError(`orbital table (neither JSON nor a valid pickle): ${e.message}`, { cause: e });
      throw e;
    }
    if (!(v.value instanceof PyDict)) fail("orbital table: the pickle does not hold a dict");
    entries = [...v.value.map];
  }
  if (entries.length === 0) fail("orbital table is empty");
  const table: [string, number][] = [];
  for (const [k, n] of entries) {
    if (typeof k !== "string") fail(`orbital table: key ${String(k)} is not a string`);
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) fail(`orbital table: ${JSON.stringify(k)} maps to ${typeof n === "bigint" ? String(n) : JSON.stringify(n) ?? typeof n}, not a row index`);
    table.push([k, n]);
  }
  // fromEntries defines own properties, so a name such as "__proto__" stays data.
  return Object.fromEntries(table);
}
