// Tests for QDF model files: the reference models, exact round trips, and every invalid model refused.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import { readModelFile, writeModelFile, configToMetadata, configFromMetadata, ModelFileError } from "../../src/model/modelFile.js";
import { parameterShapes, type Float32Tensor } from "../../src/model/config.js";
import { sharedPath } from "../shared.js";

const load = (name: string) => new Uint8Array(readFileSync(sharedPath("reference", name)));
const pretrained = load("pretrained_under14.safetensors");
const small = load("train_under7_small_init.safetensors");
const homolumo = load("train_under7homolumo_small_init.safetensors");

function throwsWith(fn: () => unknown, part: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ModelFileError);
    const msg = (e as Error).message;
    assert.ok(msg.includes(part), `message "${msg}" lacks "${part}"`);
    return;
  }
  assert.unreachable(`expected a ModelFileError with "${part}"`);
}

/** The small reference model re-encoded after `edit` changes its tensors or metadata. */
function corrupted(edit: (t: Map<string, Float32Tensor>, meta: Record<string, string>) => void): Uint8Array {
  const { tensors, metadata } = readSafetensors(small);
  edit(tensors, metadata);
  return writeSafetensors(tensors, metadata);
}

test("pretrained model: config, shapes and values", () => {
  const { config, weights } = readModelFile(pretrained);
  const orbitals = JSON.parse(readFileSync(sharedPath("reference", "pretrained_under14_orbital_dict.json"), "utf8"));
  assert.equal(config, {
    basisSet: "6-31G",
    radius: 0.75,
    gridInterval: 0.3,
    dim: 250,
    layerFunctional: 3,
    hiddenHK: 250,
    layerHK: 3,
    operation: "sum",
    property: "atomization energy (eV)",
    orbitalDict: orbitals,
    outputs: 1,
  });
  assert.is(Object.keys(config.orbitalDict).length, 60);
  assert.is(config.orbitalDict.C2p3, 13);
  assert.is(config.orbitalDict.F2p3, 59);
  const shapes = parameterShapes(config);
  assert.equal([...weights.keys()], shapes.map(([n]) => n));
  for (const [name, shape] of shapes) assert.equal(weights.get(name)!.shape, shape, name);
  // A few values against the raw little-endian bytes (data starts after the header).
  const view = new DataView(pretrained.buffer, pretrained.byteOffset);
  const start = 8 + view.getUint32(0, true);
  assert.is(weights.get("coefficient.weight")!.data[0], view.getFloat32(start, true));
  assert.is(weights.get("zeta.weight")!.data[59], view.getFloat32(start + 60240 - 4, true));
  assert.is(weights.get("W_functional.1.weight")!.data[1234], view.getFloat32(start + 311240 + 1234 * 4, true));
  assert.is(weights.get("W_potential.bias")!.data[0], view.getFloat32(pretrained.length - 4, true));
  assert.ok(Math.abs(weights.get("coefficient.weight")!.data[0]! - 0.4429328) < 1e-6);
});

test("round trip: the pretrained file is re-written byte for byte", () => {
  const model = readModelFile(pretrained);
  const bytes = writeModelFile(model);
  assert.ok(Buffer.from(bytes).equals(Buffer.from(pretrained)));
  const back = readModelFile(bytes);
  assert.equal(back.config, model.config);
  for (const [name, t] of model.weights) {
    assert.equal(new Uint32Array(back.weights.get(name)!.data.buffer), new Uint32Array(t.data.buffer), name);
  }
  assert.equal(readSafetensors(bytes).metadata, readSafetensors(pretrained).metadata);
});

test("training reference files: small (K=1, sum) and homolumo (K=2, mean), extra metadata kept on request", () => {
  const a = readModelFile(small);
  assert.is(a.config.dim, 16);
  assert.is(a.config.hiddenHK, 16);
  assert.is(a.config.layerFunctional, 2);
  assert.is(a.config.layerHK, 2);
  assert.is(a.config.outputs, 1);
  assert.is(a.config.operation, "sum");
  const b = readModelFile(homolumo);
  assert.is(b.config.outputs, 2);
  assert.is(b.config.operation, "mean");
  assert.is(b.config.property, "HOMO and LUMO (eV)");
  assert.equal(b.weights.get("W_property.weight")!.shape, [2, 16]);
  assert.equal(b.weights.get("W_property.bias")!.shape, [2]);
  for (const [file, model] of [[small, a], [homolumo, b]] as const) {
    const { batch_size, lr, epochs } = readSafetensors(file).metadata;
    const bytes = writeModelFile(model, { batch_size: batch_size!, lr: lr!, epochs: epochs! });
    assert.ok(Buffer.from(bytes).equals(Buffer.from(file)));
  }
});

test("configToMetadata writes the reference formatting; configFromMetadata inverts it", () => {
  const { config, weights } = readModelFile(pretrained);
  const meta = configToMetadata(config);
  assert.equal(Object.keys(meta), [
    "basis_set", "radius", "grid_interval", "dim", "layer_functional", "hidden_HK", "layer_HK", "operation", "property", "orbital_dict",
  ]);
  assert.equal(meta, readSafetensors(pretrained).metadata);
  assert.is(configToMetadata({ ...config, radius: 1 }).radius, "1.0");
  assert.equal(configFromMetadata(meta, weights), config);
});

test("atom_count_range: optional, written as \"[min,max]\", read back into atomCountRange, bad values refused", () => {
  const { config, weights } = readModelFile(pretrained);
  assert.is(config.atomCountRange, undefined, "absent in the reference file");
  const ranged = { ...config, atomCountRange: [3, 14] as [number, number] };
  const meta = configToMetadata(ranged);
  assert.is(meta.atom_count_range, "[3,14]");
  const back = readModelFile(writeModelFile({ config: ranged, weights }));
  assert.equal(back.config.atomCountRange, [3, 14]);
  assert.equal(back.config, ranged);
  for (const bad of ["[14,3]", "[0,5]", "[1.5,4]", "[3]", "3-14", "{}", ""]) {
    throwsWith(() => configFromMetadata({ ...meta, atom_count_range: bad }, weights), "atom_count_range");
  }
});

test("invalid container is a ModelFileError", () => {
  throwsWith(() => readModelFile(pretrained.subarray(0, 100)), "not a valid safetensors file");
  throwsWith(() => readModelFile(new Uint8Array(4)), "shorter than the 8-byte");
});

test("missing tensor", () => {
  throwsWith(() => readModelFile(corrupted((t) => t.delete("W_HK.1.bias"))), 'tensor "W_HK.1.bias" is missing');
  throwsWith(() => readModelFile(corrupted((t) => t.delete("W_property.weight"))), '"W_property.weight" is missing');
});

test("extra unknown tensor", () => {
  const bytes = corrupted((t) => t.set("W_HK.2.weight", { shape: [16, 16], data: new Float32Array(256) }));
  throwsWith(() => readModelFile(bytes), 'unknown tensor "W_HK.2.weight"');
});

test("tensor shape does not match the metadata", () => {
  throwsWith(() => readModelFile(corrupted((_, m) => (m.dim = "17"))), 'tensor "coefficient.weight" has shape [60,16], expected [60,17]');
  throwsWith(() => readModelFile(corrupted((_, m) => (m.hidden_HK = "8"))), 'tensor "W_density.weight" has shape [16,1], expected [8,1]');
  const reshaped = corrupted((t) => (t.get("W_HK.0.weight")!.shape = [256]));
  throwsWith(() => readModelFile(reshaped), 'tensor "W_HK.0.weight" has shape [256], expected [16,16]');
  const bias = corrupted((t) => t.set("W_property.bias", { shape: [2], data: new Float32Array(2) }));
  throwsWith(() => readModelFile(bias), 'tensor "W_property.bias" has shape [2], expected [1]');
});

test("missing metadata key", () => {
  for (const key of ["basis_set", "radius", "operation", "orbital_dict", "layer_HK"]) {
    throwsWith(() => readModelFile(corrupted((_, m) => delete m[key])), `metadata key "${key}" is missing`);
  }
});

test("malformed metadata numbers and operation", () => {
  const cases: [string, string, string][] = [
    ["radius", "-0.75", "finite positive number"],
    ["radius", "abc", "finite positive number"],
    ["grid_interval", "0", "finite positive number"],
    ["grid_interval", "Infinity", "finite positive number"],
    ["grid_interval", "", "finite positive number"],
    ["dim", "16.5", '"dim" must be a positive integer'],
    ["dim", "0x10", '"dim" must be a positive integer'],
    ["layer_functional", "0", "positive integer"],
    ["hidden_HK", " 16", "positive integer"],
    ["operation", "max", '"operation" must be "sum" or "mean"'],
    ["basis_set", "", '"basis_set" is empty'],
  ];
  for (const [key, value, part] of cases) throwsWith(() => readModelFile(corrupted((_, m) => (m[key] = value))), part);
});

test("bad orbital_dict", () => {
  const set = (s: string) => corrupted((_, m) => (m.orbital_dict = s));
  const dict = (f: (d: Record<string, number>) => void) => {
    const d = JSON.parse(readSafetensors(small).metadata.orbital_dict!);
    f(d);
    return set(JSON.stringify(d));
  };
  throwsWith(() => readModelFile(set("{not json")), "is not valid JSON");
  throwsWith(() => readModelFile(set("[0, 1]")), "is not a JSON object");
  throwsWith(() => readModelFile(set("{}")), "is empty");
  throwsWith(() => readModelFile(dict((d) => (d.C1s1 = 0))), 'share index 0');
  throwsWith(() => readModelFile(dict((d) => (d.C1s1 = -1))), "must be an integer in 0..59");
  throwsWith(() => readModelFile(dict((d) => (d.C1s1 = 60))), "must be an integer in 0..59, got 60");
  throwsWith(() => readModelFile(dict((d) => (d.C1s1 = 1.5))), "got 1.5");
  throwsWith(() => readModelFile(dict((d) => ((d as Record<string, unknown>).C1s1 = "1"))), 'got "1"');
  throwsWith(() => readModelFile(dict((d) => delete d.C1s0)), "must be an integer in 0..58, got 59");
});

test("non-finite weights name the tensor", () => {
  throwsWith(() => readModelFile(corrupted((t) => (t.get("W_HK.1.weight")!.data[5] = NaN))), 'tensor "W_HK.1.weight" has a non-finite value (NaN) at index 5');
  throwsWith(() => readModelFile(corrupted((t) => (t.get("zeta.weight")!.data[0] = -Infinity))), 'tensor "zeta.weight" has a non-finite value');
});

test("writer refuses invalid models and colliding extra metadata", () => {
  const model = readModelFile(small);
  throwsWith(() => writeModelFile({ ...model, config: { ...model.config, outputs: 2 } }), "config.outputs is 2");
  throwsWith(() => writeModelFile({ ...model, config: { ...model.config, dim: 17 } }), "expected [60,17]");
  throwsWith(() => writeModelFile({ ...model, config: { ...model.config, radius: NaN } }), '"radius" must be a finite positive number');
  throwsWith(() => writeModelFile({ ...model, config: { ...model.config, orbitalDict: { a: 1 } } }), "orbital_dict");
  const weights = new Map(model.weights);
  weights.set("extra", { shape: [1], data: new Float32Array(1) });
  throwsWith(() => writeModelFile({ ...model, weights }), 'unknown tensor "extra"');
  throwsWith(() => writeModelFile(model, { dim: "3" }), 'extra metadata key "dim"');
});

test.run();
