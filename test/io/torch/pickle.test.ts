// Tests of the restricted pickle reader: the opcodes it decodes, the globals it refuses, and its limits.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TorchCheckpointError, PyDict, PyTuple, readPickle, StorageRef, TensorRef, type PyValue } from "../../../src/io/torch/pickle.js";
import { readOrbitalTable } from "../../../src/io/torch/importCheckpoint.js";
import { PickleWriter } from "../../fixtures/torch/craft.js";
import { repoRoot, sharedPath } from "../../shared.js";
import { throwsWith } from "./throwsWith.js";

const fixture = (name: string) => readFileSync(join(repoRoot, "test", "fixtures", "torch", name));
const bytes = (...b: number[]) => Uint8Array.from(b);


test("the authors' pickled orbital dict reads as the JSON one, in the same order", () => {
  const fromPickle = readOrbitalTable(readFileSync(sharedPath("reference", "pretrained_under14_orbital_dict.pickle")));
  const fromJson = readOrbitalTable(readFileSync(sharedPath("reference", "pretrained_under14_orbital_dict.json")));
  assert.equal(Object.entries(fromPickle), Object.entries(fromJson));
  assert.is(Object.keys(fromPickle).length, 60);
  assert.is(fromPickle["F2p3"], 59);
});

test("protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE) decodes", () => {
  assert.equal(readOrbitalTable(fixture("orbital_dict_proto4.pickle")), { C1s0: 0, H1s0: 1, O2p3: 2, N2s1: 3 });
});

test("scalars, tuples, lists, memo and cyclic values decode", () => {
  const w = new PickleWriter().proto().op(0x5d, 0x71, 0x00); // EMPTY_LIST, BINPUT 0
  w.mark().op(0x4e, 0x88, 0x89).int(-5).int(300).int(70000).long1(-(2n ** 70n)).op(0x8a, 0x00); // None True False ints LONG1
  w.op(0x47, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18); // BINFLOAT pi
  w.op(0x8c, 0x02, 0x68, 0x69).op(0x43, 0x02, 0x01, 0x02); // SHORT_BINUNICODE 'hi', SHORT_BINBYTES
  w.int(1).int(2).op(0x86).int(1).int(2).int(3).op(0x87); // TUPLE2, TUPLE3
  w.op(0x68, 0x00).op(0x65).stop(); // BINGET 0 (the list itself), APPENDS
  const { value, end } = readPickle(w.bytes());
  assert.ok(Array.isArray(value));
  const v = value as PyValue[];
  assert.equal(v.slice(0, 8), [null, true, false, -5, 300, 70000, -(2n ** 70n), 0]);
  assert.is(v[8], Math.PI);
  assert.is(v[9], "hi");
  assert.equal(v[10], bytes(1, 2));
  assert.equal((v[11] as PyTuple).items, [1, 2]);
  assert.equal((v[12] as PyTuple).items, [1, 2, 3]);
  assert.is(v[13], value); // a cycle is kept as a reference, never walked
  assert.is(end, w.bytes().length);
});

test("the rest of the subset: LONG_BINPUT/GET, DICT, LIST, DUP, POP, POP_MARK, 8-byte lengths, _rebuild_parameter", () => {
  const w = new PickleWriter().proto(4).op(0x95, 0, 0, 0, 0, 0, 0, 0, 0); // FRAME (a hint only)
  w.mark().str("a").int(1).op(0x64); // DICT
  w.op(0x72, 0x10, 0x27, 0, 0); // LONG_BINPUT 10000
  w.op(0x30); // POP
  w.mark().int(7).int(8).op(0x31); // POP_MARK drops them
  w.mark().op(0x6a, 0x10, 0x27, 0, 0).op(0x32); // LONG_BINGET 10000, DUP
  w.op(0x8d, 2, 0, 0, 0, 0, 0, 0, 0, 0x6f, 0x6b); // BINUNICODE8 'ok'
  w.op(0x8e, 1, 0, 0, 0, 0, 0, 0, 0, 0x09); // BINBYTES8
  w.op(0x4a, 0xff, 0xff, 0xff, 0xff); // BININT -1
  w.op(0x6c).stop(); // LIST
  const v = readPickle(w.bytes()).value as PyValue[];
  assert.is(v.length, 5);
  assert.ok(v[0] instanceof PyDict && v[0] === v[1]);
  assert.equal([...(v[0] as PyDict).map], [["a", 1]]);
  assert.equal(v.slice(2), ["ok", bytes(9), -1]);
  // A Parameter is read as its tensor.
  const p = new PickleWriter().proto().global("torch._utils", "_rebuild_parameter").mark();
  p.global("torch._utils", "_rebuild_tensor_v2").mark().str("pid").op(0x51).int(0).mark().int(2).tuple().mark().int(1).tuple().op(0x89).op(0x7d).tuple().op(0x52);
  p.op(0x88).op(0x7d).tuple().op(0x52).stop();
  const t = readPickle(p.bytes(), 0, { torch: true, persistentLoad: () => new StorageRef("k", "torch.FloatStorage", "float32", 2) }).value;
  assert.instance(t, TensorRef);
  assert.equal([(t as TensorRef).shape, (t as TensorRef).stride, (t as TensorRef).storage.key], [[2], [1], "k"]);
});

test("the malicious reference checkpoint is refused at its GLOBAL, before anything could be called", () => {
  const printed: unknown[] = [];
  const { log } = console;
  console.log = (...a: unknown[]) => void printed.push(a);
  try {
    const m = throwsWith(() => readPickle(readFileSync(sharedPath("reference", "malicious_checkpoint.pt")), 0, { torch: true }), "forbidden global", "__builtin__.print");
    assert.ok(m.includes("byte 58"), m); // the GLOBAL; its REDUCE (byte 122) is never reached
  } finally {
    console.log = log;
  }
  assert.equal(printed, []);
});

test("other code-running pickles are refused naming the global", () => {
  throwsWith(() => readPickle(fixture("malicious_stack_global_proto4.pkl"), 0, { torch: true }), "forbidden global builtins.print", "STACK_GLOBAL");
  throwsWith(() => readPickle(fixture("malicious_os_system_proto2.pkl"), 0, { torch: true }), "forbidden global posix.system");
  throwsWith(() => readOrbitalTable(fixture("malicious_os_system_proto2.pkl")), "forbidden global posix.system");
  // Torch globals are allowed only in checkpoints, not in an orbital table.
  throwsWith(() => readPickle(new PickleWriter().proto().global("torch", "FloatStorage").stop().bytes()), "forbidden global torch.FloatStorage");
  // Near-misses of allowed names.
  throwsWith(() => readPickle(new PickleWriter().proto().global("torch._utils", "_rebuild_tensor").stop().bytes(), 0, { torch: true }), "forbidden global torch._utils._rebuild_tensor");
  throwsWith(() => readPickle(new PickleWriter().proto().global("torch", "load").stop().bytes(), 0, { torch: true }), "forbidden global torch.load");
});

test("allowed globals are data: only OrderedDict() and the tensor rebuilders may be reduced", () => {
  const od = readPickle(new PickleWriter().proto().global("collections", "OrderedDict").op(0x29, 0x52).stop().bytes());
  assert.instance(od.value, PyDict);
  throwsWith(() => readPickle(new PickleWriter().proto().global("torch", "FloatStorage").op(0x29, 0x52).stop().bytes(), 0, { torch: true }), "torch.FloatStorage", "storage type");
  throwsWith(() => readPickle(new PickleWriter().proto().global("collections", "OrderedDict").mark().int(1).tuple().op(0x52).stop().bytes()), "OrderedDict()");
  throwsWith(() => readPickle(new PickleWriter().proto().int(1).op(0x29, 0x52).stop().bytes()), "REDUCE", "calls a int");
  throwsWith(() => readPickle(new PickleWriter().proto().op(0x5d).op(0x7d, 0x62).stop().bytes()), "BUILD", "list");
});

test("persistent ids are refused where none are expected", () => {
  throwsWith(() => readPickle(new PickleWriter().proto().str("x").op(0x51).stop().bytes()), "persistent id");
});

test("unknown and unsupported opcodes are named", () => {
  throwsWith(() => readPickle(bytes(0x80, 0x02, 0xff, 0x2e)), "unknown pickle opcode 0xff", "byte 2");
  throwsWith(() => readPickle(bytes(0x80, 0x02, 0x69)), "unsupported pickle opcode INST"); // INST would call a class
  throwsWith(() => readPickle(bytes(0x80, 0x02, 0x81)), "unsupported pickle opcode NEWOBJ");
  throwsWith(() => readPickle(bytes(0x80, 0x06, 0x4e, 0x2e)), "protocol 6");
  // Protocol 0 text pickles use PUT, which is outside the subset.
  throwsWith(() => readPickle(new TextEncoder().encode("(dp0\nVa\np1\nI1\ns.")), "unsupported pickle opcode PUT");
});

test("nesting limits: too many MARKs or too many stacked values", () => {
  throwsWith(() => readPickle(new Uint8Array(5000).fill(0x28)), "nesting too deep", "MARK");
  throwsWith(() => readPickle(new Uint8Array(200_000).fill(0x5d)), "nesting too deep", "stack");
  // 1000 open MARKs are still fine.
  const ok = new PickleWriter().proto();
  for (let i = 0; i < 1000; i++) ok.mark();
  for (let i = 0; i < 1000; i++) ok.op(0x29, 0x74).op(0x30); // EMPTY_TUPLE, TUPLE, POP
  ok.none().stop();
  assert.is(readPickle(ok.bytes()).value, null);
});

test("truncated streams and lengths past the end are errors", () => {
  throwsWith(() => readPickle(bytes()), "truncated");
  throwsWith(() => readPickle(bytes(0x80, 0x02, 0x4e)), "truncated", "before its STOP");
  throwsWith(() => readPickle(bytes(0x80, 0x02, 0x58, 0xff, 0xff, 0xff, 0xff, 0x61)), "truncated", "BINUNICODE");
  throwsWith(() => readPickle(bytes(0x8d, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x61)), "truncated", "BINUNICODE8");
  throwsWith(() => readPickle(bytes(0x95, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), "truncated", "FRAME");
  throwsWith(() => readPickle(bytes(0x42, 10, 0, 0, 0, 1)), "truncated", "BINBYTES");
  throwsWith(() => readPickle(bytes(0x63, 0x61, 0x0a, 0x62)), "truncated", "GLOBAL");
  throwsWith(() => readPickle(bytes(0x4a, 1, 2)), "truncated", "BININT");
});

test("malformed streams: empty stack, stray items, missing memo, bad keys, bad UTF-8", () => {
  throwsWith(() => readPickle(bytes(0x85, 0x2e)), "no value on the stack");
  throwsWith(() => readPickle(bytes(0x4e, 0x28, 0x85, 0x2e)), "no value on the stack"); // a MARK hides what is below it
  throwsWith(() => readPickle(bytes(0x74, 0x2e)), "without a MARK");
  throwsWith(() => readPickle(bytes(0x4e, 0x4e, 0x2e)), "STOP", "2 values");
  throwsWith(() => readPickle(bytes(0x68, 0x07, 0x2e)), "memo entry 7");
  throwsWith(() => readPickle(bytes(0x7d, 0x29, 0x4e, 0x73, 0x2e)), "tuple of 0 as a dict key");
  throwsWith(() => readPickle(bytes(0x4e, 0x4e, 0x4e, 0x73, 0x2e)), "not a dict");
  throwsWith(() => readPickle(bytes(0x8c, 0x01, 0xff, 0x2e)), "UTF-8");
});

test("orbital tables: JSON or pickle, string keys, index values", () => {
  const t = new TextEncoder();
  assert.equal(readOrbitalTable(t.encode(' {"__proto__": 1, "C1s0": 0}')), JSON.parse('{"__proto__": 1, "C1s0": 0}'));
  throwsWith(() => readOrbitalTable(t.encode('{"a": 1.5}')), "not a row index");
  throwsWith(() => readOrbitalTable(t.encode('{"a": 1')), "not valid JSON");
  throwsWith(() => readOrbitalTable(t.encode("{}")), "empty");
  throwsWith(() => readOrbitalTable(new PickleWriter().proto().op(0x7d).int(1).int(2).op(0x73).stop().bytes()), "key 1 is not a string");
  throwsWith(() => readOrbitalTable(new PickleWriter().proto().op(0x5d).stop().bytes()), "does not hold a dict");
  throwsWith(() => readOrbitalTable(t.encode("hello")), "neither JSON nor a valid pickle");
});

test.run();
