// The quantum deep descriptor against a plain re-computation from the taped model's intermediates; workers and CLI agree.
import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "#tfjs-core";
import { parseMolecules } from "../../src/chem/parse.js";
import { featurize } from "../../src/model/features.js";
import { describeMolecule, descriptor, descriptorNames } from "../../src/predict/descriptor.js";
import { checkMemory } from "../../src/model/memoryBudget.js";
import { formatXyz } from "../../src/chem/xyzWrite.js";
import { alkaneChain } from "../../bench/largeMolecules.js";
import { DescriptorPool } from "../../src/workers/descriptorPool.js";
import { decodeNpy } from "../../src/io/npy.js";
import { sharedPath } from "../shared.js";
import { PRETRAINED, pretrainedModel } from "../model/reference.js";
import { qdf, table } from "../cli/run.js";

const model = await pretrainedModel();
const file = sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "test.txt");
const { molecules } = parseMolecules(readFileSync(file, "utf8"));
const D = model.config.dim;

/** max |a - b| / (1e-3 + |b|): relative where values are large, absolute near 0. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!) / (1e-3 + Math.abs(b[i]!)));
  return w;
}

test("descriptor = hidden layer sums/means, counts, E, E per atom, rho moments, recomputed with taped tf ops", () => {
  const results = descriptor(model, molecules);
  const names = descriptorNames(model.config);
  assert.is(names.length, 2 * D + 6);
  results.forEach((r, i) => {
    assert.ok(r.descriptor, r.error);
    assert.is(r.descriptor!.length, names.length);
    const f = featurize(molecules[i]!, model.ctx);
    const [psi, h] = tf.tidy(() => {
      const p = model.lcao([f], false)[0]!;
      const hidden = model.functionalLayers().reduce((x, l) => tf.relu(tf.add(tf.matMul(x, l.weight, false, true), l.bias)) as tf.Tensor2D, p);
      return [p.arraySync(), hidden.arraySync()];
    });
    const hsum = new Array(D).fill(0);
    for (const row of h) row.forEach((v, j) => (hsum[j] += v));
    const rho = psi.map((row) => row.reduce((s, v) => s + v * v, 0));
    const energy = model.predict([f])[0]!;
    const expected = [...hsum, ...hsum.map((s) => s / f.nField), f.nElectrons, f.nAtoms, energy, energy / f.nAtoms,
      rho.reduce((s, v) => s + v * v, 0), Math.max(...rho)];
    const w = worst(r.descriptor!, expected);
    assert.ok(w < 1e-4, `${r.id}: worst relative difference ${w}`);
    // The hidden layer's sum read by the property head gives the model's own prediction.
    assert.ok(Math.abs(r.descriptor![2 * D + 2]! - energy) < 1e-6);
  });
});

test("an element the model lacks is an error result naming the molecule; the others still get descriptors", () => {
  const si = { id: "silane", atomicNumbers: [14, 1, 1, 1, 1], coords: Float64Array.of(0, 0, 0, 0.9, 0.9, 0.9, -0.9, -0.9, 0.9, -0.9, 0.9, -0.9, 0.9, -0.9, -0.9) };
  const [bad, good] = descriptor(model, [si as never, molecules[0]!]);
  assert.ok(bad!.error && !bad!.descriptor, "silane must fail");
  assert.ok(good!.descriptor);
});

test("workers give the in-thread descriptors exactly, in order; the CLI's TSV and .npy hold them", async () => {
  const inThread = descriptor(model, molecules);
  const pool = new DescriptorPool(readFileSync(PRETRAINED), { workers: 2, chunkSize: 2 });
  const inWorkers = [];
  try {
    for await (const r of pool.describeStream(molecules)) inWorkers.push(r);
  } finally {
    await pool.close();
  }
  assert.equal(inWorkers.map((r) => r.id), inThread.map((r) => r.id));
  inWorkers.forEach((r, i) => assert.equal(r.descriptor, inThread[i]!.descriptor));

  const cli = qdf(["descriptor", "--model", PRETRAINED, "--workers", "0", file]);
  assert.is(cli.code, 0, cli.stderr);
  const rows = table(cli.stdout);
  assert.is(rows.length, molecules.length);
  const names = descriptorNames(model.config);
  rows.forEach((row, i) => assert.ok(worst(names.map((n) => Number(row[n])), inThread[i]!.descriptor!) < 1e-7, row.id));

  const dir = mkdtempSync(join(tmpdir(), "qdf-descriptor-"));
  const npy = qdf(["descriptor", "--model", PRETRAINED, "--workers", "1", file, "--out", join(dir, "d.npy")]);
  assert.is(npy.code, 0, npy.stderr);
  const m = decodeNpy(readFileSync(join(dir, "d.npy")));
  assert.is(m.rows, molecules.length);
  assert.is(m.cols, names.length);
  inThread.forEach((r, i) => assert.equal(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)), r.descriptor));
  assert.is(table(readFileSync(join(dir, "d.npy.ids.tsv"), "utf8")).map((r) => r.id).join(), inThread.map((r) => r.id).join());
});

test("descriptors in chunks of field points are the whole field's bit for bit; a molecule over the limit fails alone", () => {
  const same = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
    assert.is(a.length, b.length, what);
    for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  };
  for (const m of [...molecules.slice(0, 3), alkaneChain(40)]) {
    const nField = featurize(m, model.ctx).nField, whole = describeMolecule(model, m);
    for (const rows of [1, 7, 56, nField - 1]) same(describeMolecule(model, m, rows), whole, `${m.id}, ${rows} points a chunk`);
  }
  // A limit that needs chunks of a 90-atom chain: the same values as without a limit.
  const chain = alkaneChain(90), budget = { maxBytes: 16 * 2 ** 20 };
  assert.ok(checkMemory(chain, model.budgetModel(), budget).chunks > 1, "the limit must force chunks");
  same(descriptor(model, [chain], budget)[0]!.descriptor!, describeMolecule(model, chain), "90 atoms under 16 MiB");
  // Over the limit, and a broken geometry: error rows naming the molecule; the molecule after them goes on.
  const big = { ...alkaneChain(300), file: "big.xyz", line: 1 };
  const clash = { ...molecules[1]!, id: "clash", coords: Float64Array.from(molecules[1]!.coords).copyWithin(3, 0, 3) };
  const results = descriptor(model, [big, clash, molecules[0]!], { maxBytes: 8 * 2 ** 20 });
  assert.match(results[0]!.error!, /^big\.xyz:1: molecule C99H200: needs about [\d.]+ MiB to predict .* over the limit of 8\.00 MiB/);
  assert.not.ok(results[0]!.descriptor);
  assert.match(results[1]!.error!, /clash/);
  assert.not.ok(results[1]!.descriptor);
  same(results[2]!.descriptor!, describeMolecule(model, molecules[0]!), "the molecule after them");

  const dir = mkdtempSync(join(tmpdir(), "qdf-descriptor-budget-"));
  const xyz = join(dir, "chain.xyz");
  writeFileSync(xyz, formatXyz(big));
  const cli = qdf(["descriptor", "--model", PRETRAINED, "--workers", "0", "--max-memory", "8M", xyz, file]);
  assert.is(cli.code, 1, cli.stderr);
  assert.match(cli.stderr, /chain\.xyz:1: molecule C99H200: needs about [\d.]+ MiB .* over the limit of 8\.00 MiB \(--max-memory\)/);
  const rows = table(cli.stdout);
  assert.is(rows.length, 1 + molecules.length);
  assert.is(rows[0]!.hsum_0, "");
  assert.ok(rows.slice(1).every((r) => r.error === "" && r.hsum_0 !== ""), "the other molecules go on");
});

test.run();
