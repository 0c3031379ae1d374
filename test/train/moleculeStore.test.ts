// The compact training store: molecules back exactly as added, features on demand equal to featurising up front, a bounded cache.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { featurize, FieldContext } from "../../src/model/features.js";
import { prepareData, streamSplit } from "../../src/train/dataset.js";
import { FeatureSet, MoleculeStore } from "../../src/train/moleculeStore.js";
import { initBackend } from "../../src/model/backend.js";
import { sharedPath } from "../shared.js";
import type { Molecule } from "../../src/chem/molecule.js";
import { loadSplits } from "./parityHelper.js";

await initBackend();
const field = { basisSet: "6-31G", radius: 0.75, gridInterval: 0.3 };
const splits = loadSplits("QM9under7atoms_atomizationenergy_eV");

test("a stored molecule comes back with the very ids, elements, coordinates and properties", () => {
  const store = new MoleculeStore(1);
  for (const m of splits.train) store.add(m);
  assert.is(store.length, splits.train.length);
  // The store keeps what training needs: not where the parser found the molecule (file, line).
  const content = ({ file: _file, line: _line, ...m }: Molecule) => m;
  splits.train.forEach((m, i) => assert.equal(store.molecule(i), content(m)));
  const copy = MoleculeStore.fromData(structuredClone(store.data()));
  assert.equal(copy.molecule(7), content(splits.train[7]!));
  assert.is(copy.nAtoms(7), splits.train[7]!.atomicNumbers.length);
});

test("FeatureSet features equal featurize's, bit for bit; the same table as growing it up front", () => {
  const data = prepareData(splits, field, null);
  const ctx = new FieldContext({ ...field, orbitalDict: data.orbitalDict });
  splits.val.forEach((m, i) => assert.equal(data.val.at(i), featurize(m, ctx, true)));
  assert.equal(data.train.slice(4, 6), [featurize(splits.train[4]!, ctx, true), featurize(splits.train[5]!, ctx, true)]);
  assert.is(data.train.at(data.train.length), undefined);
});

test("the cache keeps at most its bytes, least recently used out first; a zero cache keeps nothing", () => {
  const store = new MoleculeStore(1);
  for (const m of splits.train) store.add(m);
  const ctx = new FieldContext({ ...field, orbitalDict: prepareData(splits, field, null).orbitalDict });
  const one = featurize(splits.train[0]!, ctx, true);
  const bytes = one.field.byteLength + one.dist.byteLength + one.q.byteLength + one.orbitalIndex.byteLength + one.potential!.byteLength;
  const cached = new FeatureSet(store, ctx, true, bytes);
  const a = cached.at(0)!;
  assert.ok(cached.at(0) === a, "a hit returns the cached features");
  cached.at(1);
  assert.ok(cached.at(0) !== a, "molecule 0 was dropped for molecule 1");
  const none = new FeatureSet(store, ctx, true, 0);
  assert.ok(none.at(0) !== none.at(0));
});

test("streamSplit over a file's pieces: the molecules parseSplit gives, and its errors", () => {
  const file = sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "train.txt");
  const text = readFileSync(file, "utf8");
  const pieces = Array.from({ length: Math.ceil(text.length / 97) }, (_, i) => text.slice(97 * i, 97 * (i + 1)));
  assert.equal([...streamSplit(pieces, "train.txt")], splits.train);
  assert.throws(() => [...streamSplit("m1\nH 0 0 0\nH 0 0 0.7\n\nm2\nH 0 0 x\n\nm3\nX 0 0 0\n", "t.txt")],
    /^t\.txt:6: molecule m2: coordinate z "x" is not a number \(and 1 more\)$/);
  assert.throws(() => [...streamSplit("m1\nH 0 0 0\nH 0 0 0.7\n", "t.txt")], /molecule m1 has no property line/);
  assert.throws(() => [...streamSplit("\n\n", "t.txt")], /t\.txt: no molecules/);
});

test.run();
