// Strict reader and writer for the safetensors container (F32 tensors only), on plain bytes so it runs in browsers too.
import { duplicateJsonKey } from "./jsonDuplicateKeys.js";

/** A float32 tensor stored row-major with its shape (torch.nn.Linear weights are [out, in]). */
export interface Float32Tensor {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  /** Tensors in the order of their data in the file. */
  tensors: Map<string, Float32Tensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SafetensorsError";
  }
}

/** The reference library's limit: a larger header is refused before it is decoded. */
const DEFAULT_MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function fail(message: string): never {
  throw new SafetensorsError(message);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Number of elements, refusing dims that are not non-negative safe integers and products that overflow. */
function elementCount(shape: unknown[], what: string): number {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) {
      fail(`${what}: shape ${JSON.stringify(shape)} has a dimension that is not a non-negative integer`);
    }
    n *= d;
    if (!Number.isSafeInteger(n * 4)) fail(`${what}: shape ${JSON.stringify(shape)} is too large`);
  }
  return n;
}

interface Entry {
  name: string;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(name: string, info: unknown, dataLength: number): Entry {
  const what = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(info)) fail(`${what}: header entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (dtype === undefined) fail(`${what}: missing "dtype"`);
  if (shape === undefined) fail(`${what}: missing "shape"`);
  if (offsets === undefined) fail(`${what}: missing "data_offsets"`);
  if (typeof dtype !== "string") fail(`${what}: "dtype" is not a string`);
  if (dtype !== "F32") fail(`${what} has dtype ${dtype}; only F32 is supported`);
  if (!Array.isArray(shape)) fail(`${what}: "shape" is not an array`);
  const count = elementCount(shape, what);
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => typeof o === "number" && Number.isSafeInteger(o) && o >= 0)
  ) {
    fail(`${what}: "data_offsets" is not a pair of non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`${what}: data_offsets [${begin}, ${end}] has begin > end`);
  if (end > dataLength) {
    fail(`${what}: data_offsets [${begin}, ${end}] out of range of the data buffer (${dataLength} bytes)`);
  }
  if (end - begin !== count * 4) {
    fail(`${what}: byte length ${end - begin} does not match shape ${JSON.stringify(shape)} (${count * 4} bytes of F32)`);
  }
  return { name, shape: shape as number[], begin, end };
}

/** Fresh, aligned Float32Array from little-endian bytes that may sit at any offset. */
function copyFloats(bytes: Uint8Array, begin: number, end: number): Float32Array {
  const raw = new Uint8Array(end - begin);
  raw.set(bytes.subarray(begin, end));
  const out = new Float32Array(raw.buffer);
  if (!LITTLE_ENDIAN_HOST) {
    const view = new DataView(raw.buffer);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

export function readSafetensors(bytes: Uint8Array, options?: { maxHeaderBytes?: number }): SafetensorsFile {
  const maxHeader = options?.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const lenView = new DataView(bytes.buffer, bytes.byteOffset, 8);
  // u64 read as two halves: any high bits already put it far beyond any limit.
  const high = lenView.getUint32(4, true);
  const headerLen = high * 2 ** 32 + lenView.getUint32(0, true);
  if (high !== 0 || headerLen > maxHeader) {
    fail(`header length ${headerLen} exceeds the limit of ${maxHeader} bytes`);
  }
  if (headerLen > bytes.length - 8) {
    fail(`header length ${headerLen} goes beyond the end of the file (${bytes.length} bytes)`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
  } catch {
    fail("header is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON: ${(e as Error).message}`);
  }
  if (!isPlainObject(header)) fail("header is not a JSON object");
  const duplicate = duplicateJsonKey(text);
  if (duplicate !== null) fail(`header gives the key ${JSON.stringify(duplicate)} twice`);

  const dataStart = 8 + headerLen;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      if (!isPlainObject(info)) fail(`"${METADATA_KEY}" is not an object`);
      for (const [k, v] of Object.entries(info)) {
        if (typeof v !== "string") fail(`metadata value for ${JSON.stringify(k)} is not a string`);
      }
      // fromEntries defines own properties, so a key such as "__proto__" stays data.
      metadata = Object.fromEntries(Object.entries(info as Record<string, string>));
    } else {
      entries.push(parseEntry(name, info, dataLength));
    }
  }

  // The tensors must tile the data buffer exactly: no overlap, no unused bytes.
  const sorted = entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.begin - b.e.begin || a.e.end - b.e.end || a.i - b.i);
  let pos = 0;
  let prev = "";
  for (const { e } of sorted) {
    if (e.begin < pos) fail(`tensor ${JSON.stringify(e.name)} overlaps tensor ${JSON.stringify(prev)} in the data buffer`);
    if (e.begin > pos) fail(`data buffer has a hole: bytes [${pos}, ${e.begin}) belong to no tensor`);
    pos = e.end;
    prev = e.name;
  }
  if (pos !== dataLength) fail(`data buffer has a hole: bytes [${pos}, ${dataLength}) belong to no tensor`);

  const tensors = new Map<string, Float32Tensor>();
  for (const { e } of sorted) {
    tensors.set(e.name, { shape: [...e.shape], data: copyFloats(bytes, dataStart + e.begin, dataStart + e.end) });
  }
  return { tensors, metadata };
}

export function writeSafetensors(
  tensors: Iterable<[string, Float32Tensor]>,
  metadata?: Record<string, string>,
): Uint8Array {
  // The header is built as text so tensor order survives (JS objects reorder integer-like keys).
  const parts: string[] = [];
  const list: Float32Tensor[] = [];
  const seen = new Set<string>();
  let offset = 0;
  for (const [name, t] of tensors) {
    const what = `tensor ${JSON.stringify(name)}`;
    if (name === METADATA_KEY) fail(`a tensor cannot be named ${METADATA_KEY}`);
    if (seen.has(name)) fail(`${what} is given twice`);
    seen.add(name);
    const count = elementCount(t.shape, what);
    if (t.data.length !== count) {
      fail(`${what}: ${t.data.length} values do not match shape ${JSON.stringify(t.shape)} (${count})`);
    }
    const info = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + count * 4] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    list.push(t);
    offset += count * 4;
  }
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") fail(`metadata value for ${JSON.stringify(k)} is not a string`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  // Pad with spaces to a multiple of 8, as the reference library does, so the data starts aligned.
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLen % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLen / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const t of list) {
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.length * 4), pos);
    } else {
      for (let i = 0; i < t.data.length; i++) view.setFloat32(pos + i * 4, t.data[i]!, true);
    }
    pos += t.data.length * 4;
  }
  return out;
}
