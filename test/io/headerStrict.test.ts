// Model files: duplicate header keys and out-of-range metadata are refused (a tiny grid interval must not hang load).
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { duplicateJsonKey } from "../../src/io/jsonDuplicateKeys.js";
import { readSafetensors, SafetensorsError, writeSafetensors } from "../../src/io/safetensors.js";
import { INTEGRITY_KEY, ModelFileError, readModelFile, writeModelFile } from "../../src/model/modelFile.js";
import { sha256Hex } from "../../src/io/sha256.js";
import { createHash } from "node:crypto";
import { mulberry32 } from "../random.js";
import { PRETRAINED } from "../model/reference.js";

const original = new Uint8Array(readFileSync(PRETRAINED));
const file = readSafetensors(original);

/** The published model with one metadata value replaced. */
const withMeta = (key: string, value: string) => writeSafetensors(file.tensors, { ...file.metadata, [key]: value });

test("duplicate keys are found at any depth, and only within one object", () => {
  assert.is(duplicateJsonKey('{"a":1,"b":{"x":1,"y":2},"c":[{"x":1},{"x":2}]}'), null);
  assert.is(duplicateJsonKey('{"a":1,"a":2}'), "a");
  assert.is(duplicateJsonKey('{"m":{"k":"v","k":"w"}}'), "m.k");
  assert.is(duplicateJsonKey('{"a\\"b":1,"a\\u0022b":2}'), 'a"b');
  assert.is(duplicateJsonKey('{"s":"{\\"a\\":1,\\"a\\":2}"}'), null, "inside a string value is not a key");
});

test("a second __metadata__ (switching sum to mean) is refused", () => {
  const text = new TextDecoder().decode(original.subarray(8, 8 + Number(new DataView(original.buffer, original.byteOffset).getUint32(0, true))));
  const forged = text.trimEnd().replace(/\}$/, `,"__metadata__":${JSON.stringify({ ...file.metadata, operation: "mean" })}}`);
  const header = new TextEncoder().encode(forged);
  const data = original.subarray(8 + text.length);
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  assert.throws(() => readSafetensors(out), (e: Error) => e instanceof SafetensorsError && /"__metadata__" twice/.test(e.message));
  assert.throws(() => readModelFile(out), (e: Error) => e instanceof ModelFileError);
});

test("grid interval, radius, widths and layer counts out of their bounds are refused at load, at once", () => {
  assert.ok(readModelFile(withMeta("grid_interval", file.metadata.grid_interval!)).config.gridInterval > 0);
  for (const [key, value, re] of [["grid_interval", "1e-300", /"grid_interval" must be in 0.001..10/], ["grid_interval", "0.005", /at most 100/],
    ["radius", "1e300", /"radius" must be in/], ["dim", "100000", /"dim" must be in 1..4096/], ["layer_HK", "10000", /"layer_HK" must be in 1..64/]] as const) {
    assert.throws(() => readModelFile(withMeta(key, value)), (e: Error) => e instanceof ModelFileError && re.test(e.message), `${key} ${value}`);
  }
});

test("sha256Hex agrees with node:crypto at every padding edge and across chunk splits", () => {
  const rand = mulberry32(15);
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
    const bytes = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    const cut = Math.floor(rand() * (n + 1));
    assert.is(sha256Hex([bytes.subarray(0, cut), bytes.subarray(cut)]), createHash("sha256").update(bytes).digest("hex"), `${n} bytes`);
  }
});

test("a model written with integrity loads; a flipped data byte or an edited metadata value is refused; no hash still loads", () => {
  const model = readModelFile(original);
  const sealed = writeModelFile(model, { note: "x" }, { integrity: true });
  assert.match(readSafetensors(sealed).metadata[INTEGRITY_KEY]!, /^[0-9a-f]{64}$/);
  assert.equal(readModelFile(sealed).config, model.config);
  const flipped = sealed.slice();
  flipped[flipped.length - 1000]! ^= 0x01;
  assert.throws(() => readModelFile(flipped), (e: Error) => e instanceof ModelFileError && /fails its integrity check/.test(e.message));
  const f = readSafetensors(sealed);
  assert.throws(() => readModelFile(writeSafetensors(f.tensors, { ...f.metadata, operation: "mean" })),
    (e: Error) => e instanceof ModelFileError && /integrity/.test(e.message));
  assert.throws(() => readModelFile(writeSafetensors(f.tensors, { ...f.metadata, note: "y" })), (e: Error) => /integrity/.test(e.message));
  assert.ok(!(INTEGRITY_KEY in file.metadata), "the published file has no hash");
  assert.ok(Buffer.from(writeModelFile(model)).equals(Buffer.from(original)), "without integrity: byte for byte as before");
});

test.run();
