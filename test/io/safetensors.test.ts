// Tests for the safetensors reader and writer: round trips, the reference file, and every malformed case refused.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { readSafetensors, writeSafetensors, SafetensorsError } from "../../src/io/safetensors.js";
import type { Float32Tensor } from "../../src/model/config.js";
import { sharedPath } from "../shared.js";

const pretrained = new Uint8Array(readFileSync(sharedPath("reference", "pretrained_under14.safetensors")));

/** A file from a header (object or raw text, unpadded) and a data buffer (or its length, zero-filled). */
function rawFile(header: unknown, data: Uint8Array | number = 0): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const body = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

function f32(name: string, shape: number[], begin: number, end = begin + shape.reduce((a, b) => a * b, 1) * 4) {
  return { [name]: { dtype: "F32", shape, data_offsets: [begin, end] } };
}

function throwsWith(fn: () => unknown, part: string | RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, SafetensorsError);
    const msg = (e as Error).message;
    assert.ok(typeof part === "string" ? msg.includes(part) : part.test(msg), `message "${msg}" lacks ${part}`);
    return;
  }
  assert.unreachable(`expected a SafetensorsError with ${part}`);
}

function tensor(shape: number[], values: number[]): Float32Tensor {
  return { shape, data: Float32Array.from(values) };
}

test("reads the reference file: order, shapes, values from the raw bytes", () => {
  const { tensors, metadata } = readSafetensors(pretrained);
  assert.is(tensors.size, 20);
  const names = [...tensors.keys()];
  assert.is(names[0], "coefficient.weight");
  assert.is(names[19], "W_potential.bias");
  assert.equal(tensors.get("coefficient.weight")!.shape, [60, 250]);
  assert.is(metadata.dim, "250");
  const view = new DataView(pretrained.buffer, pretrained.byteOffset);
  const dataStart = 8 + view.getUint32(0, true);
  const coef = tensors.get("coefficient.weight")!.data;
  for (const i of [0, 1, 2, 14999]) assert.is(coef[i], view.getFloat32(dataStart + i * 4, true));
  assert.is(tensors.get("zeta.weight")!.data[0], view.getFloat32(dataStart + 60000, true));
  assert.is(tensors.get("W_potential.bias")!.data[0], view.getFloat32(pretrained.length - 4, true));
});

test("re-writing the reference file gives the same bytes", () => {
  const { tensors, metadata } = readSafetensors(pretrained);
  assert.ok(Buffer.from(writeSafetensors(tensors, metadata)).equals(Buffer.from(pretrained)));
});

test("round trip keeps order (integer-like names too), values bit for bit, metadata, empty tensors", () => {
  const input: [string, Float32Tensor][] = [
    ["10", tensor([2, 2], [1, -2.5, 3e-38, -0])],
    ["2", tensor([3], [Math.PI, 1e30, -1e-30])],
    ["empty", tensor([0, 4], [])],
    ["a", tensor([], [7])],
  ];
  const meta = { x: "1", "": "empty key", uni: "ψ²" };
  const bytes = writeSafetensors(input, meta);
  const back = readSafetensors(bytes);
  assert.equal([...back.tensors.keys()], ["10", "2", "empty", "a"]);
  for (const [name, t] of input) {
    const b = back.tensors.get(name)!;
    assert.equal(b.shape, t.shape);
    assert.equal(new Uint32Array(b.data.buffer), new Uint32Array(t.data.buffer), name);
  }
  assert.equal(back.metadata, meta);
});

test("writer pads the header with spaces to a multiple of 8 and offsets are contiguous", () => {
  const bytes = writeSafetensors([["w", tensor([1], [1])], ["b", tensor([2], [2, 3])]], { k: "v" });
  const n = new DataView(bytes.buffer).getUint32(0, true);
  assert.is(n % 8, 0);
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  const header = JSON.parse(text);
  assert.equal(header.w.data_offsets, [0, 4]);
  assert.equal(header.b.data_offsets, [4, 12]);
  assert.equal(header.__metadata__, { k: "v" });
  assert.ok(/^[^ ]*\}( *)$/.test(text));
  assert.is(bytes.length, 8 + n + 12);
  // Without metadata the header has no __metadata__ entry.
  const plain = writeSafetensors([["w", tensor([1], [1])]]);
  const m = new DataView(plain.buffer).getUint32(0, true);
  assert.not.ok("__metadata__" in JSON.parse(new TextDecoder().decode(plain.subarray(8, 8 + m))));
});

test("reads unpadded headers (unaligned data) and files inside a larger buffer", () => {
  const data = new Uint8Array(8);
  new DataView(data.buffer).setFloat32(0, 1.5, true);
  new DataView(data.buffer).setFloat32(4, -2.25, true);
  let header = JSON.stringify(f32("t", [2], 0));
  if (header.length % 2 === 0) header += " "; // odd header length: the data starts unaligned
  const file = rawFile(header, data);
  assert.is((file.length - 8) % 2, 1);
  assert.equal([...readSafetensors(file).tensors.get("t")!.data], [1.5, -2.25]);
  const big = new Uint8Array(file.length + 3);
  big.set(file, 3);
  const t = readSafetensors(big.subarray(3)).tensors.get("t")!;
  assert.equal([...t.data], [1.5, -2.25]);
  assert.is(t.data.byteOffset, 0);
  assert.is(t.data.buffer.byteLength, 8); // a fresh copy, not a view of the input
});

test("file shorter than 8 bytes", () => {
  for (const n of [0, 3, 7]) throwsWith(() => readSafetensors(new Uint8Array(n)), "shorter than the 8-byte");
});

test("truncated reference file at several points", () => {
  const n = new DataView(pretrained.buffer, pretrained.byteOffset).getUint32(0, true);
  throwsWith(() => readSafetensors(pretrained.subarray(0, 5)), "shorter than the 8-byte");
  throwsWith(() => readSafetensors(pretrained.subarray(0, 8)), "goes beyond the end of the file");
  throwsWith(() => readSafetensors(pretrained.subarray(0, 8 + n - 1)), "goes beyond the end of the file");
  throwsWith(() => readSafetensors(pretrained.subarray(0, 8 + n)), "out of range of the data buffer");
  throwsWith(() => readSafetensors(pretrained.subarray(0, 8 + n + 1000)), "out of range of the data buffer");
  throwsWith(() => readSafetensors(pretrained.subarray(0, pretrained.length - 1)), "out of range of the data buffer");
});

test("header length huge", () => {
  const f = new Uint8Array(pretrained);
  new DataView(f.buffer).setUint32(4, 1, true); // 2^32 + n
  throwsWith(() => readSafetensors(f), "exceeds the limit");
  const g = new Uint8Array(16);
  new DataView(g.buffer).setUint32(0, 100_000_001, true);
  throwsWith(() => readSafetensors(g), "exceeds the limit of 100000000");
  throwsWith(() => readSafetensors(pretrained, { maxHeaderBytes: 1000 }), "exceeds the limit of 1000");
});

test("header length beyond the file", () => {
  const f = rawFile({});
  new DataView(f.buffer).setUint32(0, 3, true);
  throwsWith(() => readSafetensors(f), "goes beyond the end of the file");
});

test("header not UTF-8, not JSON, not an object", () => {
  const bad = rawFile("{}");
  bad[9] = 0xff;
  throwsWith(() => readSafetensors(bad), "not valid UTF-8");
  throwsWith(() => readSafetensors(rawFile('{"a": ')), "not valid JSON");
  throwsWith(() => readSafetensors(rawFile("")), "not valid JSON");
  for (const h of ["[]", "null", "3", '"x"']) throwsWith(() => readSafetensors(rawFile(h)), "not a JSON object");
});

test("tensor entry missing fields or with wrong types", () => {
  const ok = { dtype: "F32", shape: [1], data_offsets: [0, 4] };
  const withOut = (k: string) => Object.fromEntries(Object.entries(ok).filter(([key]) => key !== k));
  throwsWith(() => readSafetensors(rawFile({ t: withOut("dtype") }, 4)), 'missing "dtype"');
  throwsWith(() => readSafetensors(rawFile({ t: withOut("shape") }, 4)), 'missing "shape"');
  throwsWith(() => readSafetensors(rawFile({ t: withOut("data_offsets") }, 4)), 'missing "data_offsets"');
  throwsWith(() => readSafetensors(rawFile({ t: [1] }, 4)), "not an object");
  throwsWith(() => readSafetensors(rawFile({ t: { ...ok, dtype: 32 } }, 4)), '"dtype" is not a string');
  throwsWith(() => readSafetensors(rawFile({ t: { ...ok, shape: 1 } }, 4)), '"shape" is not an array');
  for (const offsets of [[0], [0, 4, 8], ["0", 4], [-4, 4], [0.5, 4], null]) {
    throwsWith(() => readSafetensors(rawFile({ t: { ...ok, data_offsets: offsets } }, 4)), '"data_offsets" is not a pair');
  }
});

test("dtypes other than F32 are refused, naming dtype and tensor", () => {
  for (const dtype of ["F16", "F64", "I64", "BF16"]) {
    throwsWith(
      () => readSafetensors(rawFile({ weights: { dtype, shape: [2], data_offsets: [0, 8] } }, 8)),
      `tensor "weights" has dtype ${dtype}; only F32 is supported`,
    );
  }
});

test("shape with negative or non-integer dims", () => {
  for (const shape of [[-1], [1.5], ["2"], [null], [2 ** 53]]) {
    throwsWith(() => readSafetensors(rawFile({ t: { dtype: "F32", shape, data_offsets: [0, 4] } }, 4)), /not a non-negative integer|too large/);
  }
});

test("byte length does not match the shape", () => {
  throwsWith(() => readSafetensors(rawFile(f32("t", [3], 0, 8), 8)), "byte length 8 does not match shape [3]");
  throwsWith(() => readSafetensors(rawFile(f32("t", [2], 0, 9), 9)), "byte length 9");
});

test("offsets out of range or begin > end", () => {
  throwsWith(() => readSafetensors(rawFile(f32("t", [2], 4), 8)), "out of range of the data buffer (8 bytes)");
  throwsWith(() => readSafetensors(rawFile(f32("t", [1], 8, 4), 8)), "begin > end");
});

test("overlapping tensors", () => {
  throwsWith(() => readSafetensors(rawFile({ ...f32("a", [2], 0), ...f32("b", [2], 4) }, 12)), 'overlaps tensor "a"');
  throwsWith(() => readSafetensors(rawFile({ ...f32("a", [2], 0), ...f32("b", [2], 0) }, 8)), "overlaps");
});

test("holes in the data buffer", () => {
  throwsWith(() => readSafetensors(rawFile({ ...f32("a", [1], 0), ...f32("b", [1], 8) }, 12)), "hole: bytes [4, 8)");
  throwsWith(() => readSafetensors(rawFile(f32("a", [1], 4), 8)), "hole: bytes [0, 4)");
  throwsWith(() => readSafetensors(rawFile(f32("a", [1], 0), 8)), "hole: bytes [4, 8)");
  throwsWith(() => readSafetensors(rawFile({}, 4)), "hole: bytes [0, 4)");
});

test("metadata must be an object of strings", () => {
  throwsWith(() => readSafetensors(rawFile({ __metadata__: { a: 1 } })), 'metadata value for "a" is not a string');
  throwsWith(() => readSafetensors(rawFile({ __metadata__: { a: null } })), "not a string");
  throwsWith(() => readSafetensors(rawFile({ __metadata__: ["a"] })), '"__metadata__" is not an object');
  assert.equal(readSafetensors(rawFile({})).metadata, {});
});

test("writer refuses inconsistent input", () => {
  throwsWith(() => writeSafetensors([["t", tensor([3], [1, 2])]]), "do not match shape [3]");
  throwsWith(() => writeSafetensors([["t", tensor([1], [1])], ["t", tensor([1], [1])]]), "given twice");
  throwsWith(() => writeSafetensors([["__metadata__", tensor([1], [1])]]), "cannot be named");
  throwsWith(() => writeSafetensors([["t", tensor([-1], [])]]), "not a non-negative integer");
  throwsWith(() => writeSafetensors([], { a: 3 as unknown as string }), 'metadata value for "a"');
});

test.run();
