// Tests of the checkpoint importer: the reference checkpoints bit for bit, and crafted checkpoints that must be refused.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { TorchCheckpointError, importTorchCheckpoint, loadTorchStateDict, readOrbitalTable } from "../../../src/io/torch/importCheckpoint.js";
import { readModelFile } from "../../../src/model/modelFile.js";
import type { Float32Tensor } from "../../../src/model/config.js";
import { craftLegacy, craftZip, floatBytes, PickleWriter, stateDictPickle, tinyModel, type CraftTensor } from "../../fixtures/torch/craft.js";
import { zipSync } from "fflate";
import { sharedPath } from "../../shared.js";
import { throwsWith } from "./throwsWith.js";

const ref = (name: string) => new Uint8Array(readFileSync(sharedPath("reference", name)));


function sameBits(a: Float32Tensor, b: Float32Tensor, name: string): void {
  assert.equal(a.shape, b.shape, `${name} shape`);
  const x = new Uint32Array(a.data.buffer, a.data.byteOffset, a.data.length);
  const y = new Uint32Array(b.data.buffer, b.data.byteOffset, b.data.length);
  assert.is(x.length, y.length, `${name} length`);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) assert.unreachable(`${name}[${i}] differs: ${x[i]} vs ${y[i]}`);
}

const reference = readModelFile(ref("pretrained_under14.safetensors"));
const orbitals = readOrbitalTable(ref("pretrained_under14_orbital_dict.pickle"));

for (const file of ["pretrained_under14.pt", "pretrained_under14_zipformat.pt"]) {
  test(`${file} imports bit-identical to pretrained_under14.safetensors, with its config`, () => {
    const model = importTorchCheckpoint(ref(file), orbitals);
    assert.equal(model.config, reference.config);
    assert.equal([...model.weights.keys()], [...reference.weights.keys()]);
    for (const [name, t] of reference.weights) sameBits(model.weights.get(name)!, t, name);
  });
}

test("options set the parts of the config a checkpoint does not record", () => {
  const model = importTorchCheckpoint(ref("pretrained_under14.pt"), orbitals, { basisSet: "3-21G", radius: 1, gridInterval: 0.2, operation: "mean", property: "HOMO (eV)" });
  assert.equal(
    [model.config.basisSet, model.config.radius, model.config.gridInterval, model.config.operation, model.config.property],
    ["3-21G", 1, 0.2, "mean", "HOMO (eV)"],
  );
  throwsWith(() => importTorchCheckpoint(ref("pretrained_under14.pt"), orbitals, { radius: -1 }), "radius");
  throwsWith(() => importTorchCheckpoint(ref("pretrained_under14.pt"), orbitals, { operation: "max" as "sum" }), "readout");
});

test("the orbital table must match coefficient.weight", () => {
  const short = Object.fromEntries(Object.entries(orbitals).slice(1).map(([k], i) => [k, i]));
  throwsWith(() => importTorchCheckpoint(ref("pretrained_under14.pt"), short), "59 entries", "60 rows");
  throwsWith(() => importTorchCheckpoint(ref("pretrained_under14.pt"), { ...orbitals, C1s1: 0 }), "share row 0");
  throwsWith(() => importTorchCheckpoint(ref("pretrained_under14.pt"), { ...orbitals, C1s1: 60 }), "C1s1", "index 60");
});

test("the malicious reference checkpoint is refused naming print; nothing is printed", () => {
  const { log } = console;
  const writes: unknown[] = [];
  console.log = (...a: unknown[]) => void writes.push(a);
  try {
    throwsWith(() => importTorchCheckpoint(ref("malicious_checkpoint.pt"), orbitals), "forbidden global __builtin__.print");
  } finally {
    console.log = log;
  }
  assert.equal(writes, []);
});

test("tiny crafted checkpoints import in both formats", () => {
  const m = tinyModel();
  for (const bytes of [craftLegacy(m), craftZip(m), craftZip({ ...m, byteorder: "little" })]) {
    const model = importTorchCheckpoint(bytes, m.orbitals);
    assert.equal([model.config.dim, model.config.layerFunctional, model.config.hiddenHK, model.config.layerHK, model.config.outputs], [2, 1, 2, 1, 1]);
    for (const [name, t] of m.values) sameBits(model.weights.get(name)!, t, name);
  }
});

test("general strides, offsets into shared storage and legacy views materialise row-major", () => {
  // A 2x3 tensor stored transposed (column-major), at offset 2 of a storage it shares.
  const storage = floatBytes([9, 9, 1, 4, 2, 5, 3, 6, 7, 8]);
  const tensors: CraftTensor[] = [
    { name: "t", key: "s", numel: 10, offset: 2, shape: [2, 3], stride: [1, 2] },
    { name: "u", key: "s", numel: 10, offset: 8, shape: [2], stride: [1] },
    { name: "scalar", key: "s", numel: 10, offset: 0, shape: [], stride: [] },
    { name: "empty", key: "s", numel: 10, offset: 10, shape: [0, 4], stride: [4, 1] },
    // Legacy view: elements [2, 8) of s, so offset 1 is element 3.
    { name: "v", key: "s", numel: 10, offset: 1, shape: [2], stride: [2], view: ["sv", 2, 6] },
  ];
  const w = loadTorchStateDict(craftLegacy({ tensors, storages: [{ key: "s", data: storage }] }));
  assert.equal(Array.from(w.get("t")!.data), [1, 2, 3, 4, 5, 6]);
  assert.equal(w.get("t")!.shape, [2, 3]);
  assert.equal(Array.from(w.get("u")!.data), [7, 8]);
  assert.equal(Array.from(w.get("scalar")!.data), [9]);
  assert.equal(w.get("empty")!.data.length, 0);
  assert.equal(Array.from(w.get("v")!.data), [4, 5]);
});

test("a storage shorter than its tensor is refused", () => {
  const m = tinyModel();
  const storages = m.storages.map((s, i) => (i === 2 ? { ...s, data: s.data.subarray(0, 12) } : s));
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, storages }), m.orbitals), "W_functional.0.weight", "holds 3 elements");
  throwsWith(() => importTorchCheckpoint(craftZip({ ...m, storages }), m.orbitals), "W_functional.0.weight", "holds 3 elements");
  // The persistent id itself may declare too few elements for the tensor.
  const tensors = m.tensors.map((t, i) => (i === 2 ? { ...t, numel: 3 } : t));
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, tensors }), m.orbitals), "W_functional.0.weight", "4 elements, more than the 3");
});

test("offsets and strides that point outside the storage are refused", () => {
  const m = tinyModel();
  const bad = (t: Partial<CraftTensor>) => craftLegacy({ ...m, tensors: m.tensors.map((x, i) => (i === 2 ? { ...x, ...t } : x)) });
  throwsWith(() => importTorchCheckpoint(bad({ offset: 1 }), m.orbitals), "W_functional.0.weight", "offset 1", "reaches element 4");
  throwsWith(() => importTorchCheckpoint(bad({ stride: [3, 1] }), m.orbitals), "W_functional.0.weight", "stride [3,1]", "reaches element 4");
  throwsWith(() => importTorchCheckpoint(bad({ offset: 2 ** 40 }), m.orbitals), "W_functional.0.weight", "reaches element");
  throwsWith(() => importTorchCheckpoint(bad({ stride: [2 ** 52, 1] }), m.orbitals), "W_functional.0.weight");
  throwsWith(() => importTorchCheckpoint(bad({ shape: [2, 2, 2], stride: [2, 1] }), m.orbitals), "3 dimensions but stride has 2");
  throwsWith(() => loadTorchStateDict(craftLegacy({ tensors: [{ name: "v", key: "s", numel: 4, offset: 0, shape: [2], stride: [1], view: ["x", 3, 2] }], storages: [{ key: "s", data: floatBytes([1, 2, 3, 4]) }] })), "view", "outside storage");
});

test("a non-float32 storage is refused by type", () => {
  const m = tinyModel();
  const tensors = m.tensors.map((t, i) => (i === 0 ? { ...t, storageType: "DoubleStorage" } : t));
  const storages = m.storages.map((s, i) => (i === 0 ? { ...s, data: new Uint8Array(48), elementSize: 8 } : s));
  throwsWith(() => importTorchCheckpoint(craftLegacy({ tensors, storages }), m.orbitals), "coefficient.weight", "torch.DoubleStorage", "only float32");
  throwsWith(() => importTorchCheckpoint(craftZip({ tensors, storages }), m.orbitals), "coefficient.weight", "torch.DoubleStorage", "only float32");
});

test("legacy framing: wrong magic number, big-endian, missing or extra storage bytes", () => {
  const m = tinyModel();
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, magic: 0x1950a86a20f9469cfc6dn }), m.orbitals), "wrong magic number");
  throwsWith(() => importTorchCheckpoint(new Uint8Array([1, 2, 3]), m.orbitals), "not a PyTorch checkpoint");
  const good = craftLegacy(m);
  throwsWith(() => importTorchCheckpoint(good.subarray(0, good.length - 1), m.orbitals), "truncated", "storage");
  const longer = new Uint8Array(good.length + 3);
  longer.set(good);
  throwsWith(() => importTorchCheckpoint(longer, m.orbitals), "3 unexpected bytes");
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, storages: [...m.storages, { key: "zz", data: new Uint8Array(4) }] }), m.orbitals), "\"zz\" is listed but no tensor uses it");
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, storages: m.storages.slice(1) }), m.orbitals), "coefficient.weight", "storage \"0\" is missing");
});

test("zip framing: no data.pkl, a missing storage file, big-endian", () => {
  const m = tinyModel();
  throwsWith(() => importTorchCheckpoint(craftZip({ ...m, storages: m.storages.slice(1) }), m.orbitals), "no archive/data/0");
  throwsWith(() => importTorchCheckpoint(craftZip({ ...m, byteorder: "big" }), m.orbitals), "byteorder");
  const noPickle = craftZip({ ...m, prefix: "a/b" }); // data.pkl two folders deep is not a torch layout
  throwsWith(() => importTorchCheckpoint(noPickle, m.orbitals), "no <archive>/data.pkl");
  throwsWith(() => importTorchCheckpoint(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), m.orbitals), "invalid zip archive");
});

/** The zip with the central directory's uncompressed size of entry `name` set to `size` (what a zip bomb declares). */
function declareSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const z = zip.slice(), view = new DataView(z.buffer), dec = new TextDecoder();
  let patched = 0;
  for (let p = 0; p + 46 <= z.length; p++) {
    if (view.getUint32(p, true) !== 0x02014b50) continue;
    const n = view.getUint16(p + 28, true);
    if (dec.decode(z.subarray(p + 46, p + 46 + n)) === name) { view.setUint32(p + 24, size, true); patched++; }
  }
  assert.is(patched, 1, `central directory entry ${name}`);
  return z;
}

test("zip storages are inflated only when a tensor uses them, each within its declared size", () => {
  const m = tinyModel();
  const unused = { key: "zz", data: new Uint8Array(1 << 16) };
  // An unreferenced entry claiming 2 GiB (an impossible expansion) is never looked at, let alone inflated.
  const bomb = declareSize(craftZip({ ...m, storages: [...m.storages, unused] }), "archive/data/zz", 0x7fffffff);
  const imported = importTorchCheckpoint(bomb, m.orbitals);
  for (const [name, t] of m.values) sameBits(imported.weights.get(name)!, t, name);
  // A used storage's entry holding more bytes than its persistent id declares is refused before inflation.
  const longer = m.storages.map((s, i) => (i === 0 ? { ...s, data: new Uint8Array(s.data.length + 4) } : s));
  throwsWith(() => importTorchCheckpoint(craftZip({ ...m, storages: longer }), m.orbitals), "archive/data/0", "more than the 24");
});

test("code inside a state_dict is refused, in either format", () => {
  const m = tinyModel();
  const evil = stateDictPickle(m.tensors, true, (w) => w.str("extra").global("posix", "system").str("echo pwned").op(0x85, 0x52, 0x73));
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, state: evil }), m.orbitals), "forbidden global posix.system", "pickle 4 of 5");
  const evilZip = stateDictPickle(m.tensors, false, (w) => w.str("extra").op(0x8c, 8, ...new TextEncoder().encode("builtins"), 0x8c, 4, ...new TextEncoder().encode("eval"), 0x93));
  throwsWith(() => importTorchCheckpoint(craftZip({ ...m, state: evilZip }), m.orbitals), "forbidden global builtins.eval", "data.pkl");
});

test("a pickle nested too deep inside a checkpoint is refused", () => {
  const m = tinyModel();
  const deep = new PickleWriter().proto();
  for (let i = 0; i < 1001; i++) deep.mark();
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, state: deep.stop().bytes() }), m.orbitals), "nesting too deep");
  throwsWith(() => importTorchCheckpoint(craftZip({ ...m, state: deep.stop().bytes() }), m.orbitals), "nesting too deep");
});

test("tensor names and shapes must form a QDF model", () => {
  const m = tinyModel();
  const without = (name: string) => {
    const i = m.tensors.findIndex((t) => t.name === name);
    return craftLegacy({ tensors: m.tensors.filter((_, j) => j !== i), storages: m.storages.filter((_, j) => j !== i) });
  };
  throwsWith(() => importTorchCheckpoint(without("coefficient.weight"), m.orbitals), "no tensor \"coefficient.weight\"");
  throwsWith(() => importTorchCheckpoint(without("W_HK.0.bias"), m.orbitals), "no tensor \"W_HK.0.bias\"");
  const renamed = m.tensors.map((t) => (t.name === "W_HK.0.weight" ? { ...t, name: "W_HK.1.weight" } : t));
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, tensors: renamed }), m.orbitals), "no tensor \"W_HK.0.weight\"");
  const extra = [...m.tensors, { ...m.tensors[1]!, name: "W_extra.weight" }];
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, tensors: extra }), m.orbitals), "unexpected tensor \"W_extra.weight\"");
  // W_HK.0.weight as [4, 1]: same elements, wrong shape for hidden 2.
  const reshaped = m.tensors.map((t) => (t.name === "W_HK.0.weight" ? { ...t, shape: [4, 1], stride: [1, 1] } : t));
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, tensors: reshaped }), m.orbitals), "\"W_HK.0.weight\" has shape [4,1], expected [2,2]");
  // A value that is not a tensor.
  const notTensor = new PickleWriter().proto().global("collections", "OrderedDict").op(0x29, 0x52).str("coefficient.weight").int(1).op(0x73).stop().bytes();
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, state: notTensor }), m.orbitals), "\"coefficient.weight\" is a int, not a tensor");
  // A NaN weight.
  const storages = m.storages.map((s, i) => (i === 3 ? { ...s, data: floatBytes([1, NaN]) } : s));
  throwsWith(() => importTorchCheckpoint(craftLegacy({ ...m, storages }), m.orbitals), "W_functional.0.bias", "non-finite");
});

test("shared storages cannot be expanded without bound; zip sizes must be possible", () => {
  const tensors: CraftTensor[] = Array.from({ length: 10 }, (_, i) => ({ name: `t${i}`, key: "s", numel: 1000, offset: 0, shape: [1000], stride: [1] }));
  throwsWith(() => loadTorchStateDict(craftLegacy({ tensors, storages: [{ key: "s", data: new Uint8Array(4000) }] })), "more than 4 times over");
  // A deflated entry whose central directory claims an expansion deflate cannot produce.
  const m = tinyModel();
  const z = zipSync({ "archive/data.pkl": stateDictPickle(m.tensors, false) }, { level: 9 });
  const view = new DataView(z.buffer);
  for (let p = z.length - 22; p >= 0; p--) {
    if (view.getUint32(p, true) === 0x02014b50) view.setUint32(p + 24, 0x7fffffff, true); // central header: uncompressed size
  }
  throwsWith(() => importTorchCheckpoint(z, m.orbitals), "data.pkl", "impossible expansion");
});

test.run();
