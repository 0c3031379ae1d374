// Chunks of field points: prediction over chunks (any size, one point up) gives the unchunked result bit for bit,
// with sum and mean readouts; the memory estimate chooses chunks for large molecules and refuses what is over the
// limit, naming the molecule, the estimate and the limit, while the other molecules go on.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseMolecules } from "../../src/chem/parse.js";
import { featurize, featurizeField } from "../../src/model/features.js";
import { FrozenModel } from "../../src/model/frozenModel.js";
import { readModelFile } from "../../src/model/modelFile.js";
import { QdfModel } from "../../src/model/qdf.js";
import { DEFAULT_MAX_MEMORY, estimateMemory, moleculeSizes } from "../../src/model/memoryBudget.js";
import { predict } from "../../src/predict/predictor.js";
import { alkaneChain } from "../../bench/largeMolecules.js";
import { sharedPath } from "../shared.js";
import { PRETRAINED, pretrainedModel } from "../model/reference.js";

const model = await pretrainedModel();
const val = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const molecules = parseMolecules(readFileSync(val, "utf8"), { fileName: val }).molecules.slice(0, 8);

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.is(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test("sum readout: any chunk size gives the one-chunk reduced vector and energy bit for bit", () => {
  const data = readModelFile(readFileSync(PRETRAINED)), frozen = new FrozenModel(data.config, data.weights);
  try {
    for (const m of [...molecules.slice(0, 4), alkaneChain(40)]) {
      const f = featurizeField(m, model.ctx), whole = frozen.reduced(f), energy = frozen.predictOne(f);
      for (const rows of [1, 7, 56, 100, f.nField - 1]) {
        sameBits(frozen.reduced(f, rows), whole, `${m.id} reduced, ${rows} points a chunk`);
        sameBits(frozen.predictOne(f, rows), energy, `${m.id} energy, ${rows} points a chunk`);
      }
      // Features with the distances up front (training's evaluation) take the same chunks.
      sameBits(frozen.predictOne(featurize(m, model.ctx), 13), energy, `${m.id} from full features`);
    }
  } finally {
    frozen.dispose();
  }
});

test("mean readout, two outputs: chunks give the one-chunk values bit for bit", () => {
  const data = readModelFile(readFileSync(sharedPath("reference", "train_under7homolumo_small_final.safetensors")));
  assert.is(data.config.operation, "mean");
  const frozen = new FrozenModel(data.config, data.weights), homolumo = new QdfModel(data);
  try {
    for (const m of molecules.slice(0, 4)) {
      const f = featurizeField(m, homolumo.ctx), whole = frozen.predictOne(f);
      assert.is(whole.length, 2);
      for (const rows of [1, 9, 64]) sameBits(frozen.predictOne(f, rows), whole, `${m.id}, ${rows} points a chunk`);
    }
  } finally {
    frozen.dispose();
    homolumo.dispose();
  }
});

test("through predict: a small chunk budget gives the default's values; the estimate chooses chunks for big molecules", () => {
  const big = alkaneChain(60), inputs = [...molecules.slice(0, 3), big];
  const plain = predict(model, inputs), chunked = predict(model, inputs, { chunkBytes: 256 * 1024 });
  const sizes = moleculeSizes(big, model.budgetModel());
  assert.ok(estimateMemory(sizes, model.budgetModel(), 256 * 1024).chunks > 1, "the small budget does chunk the big one");
  plain.forEach((r, i) => { assert.ok(r.predicted); sameBits(chunked[i]!.predicted!, r.predicted!, r.id); });
  // The default: QM9-sized molecules in one chunk, 1000 atoms in chunks, well under the default limit.
  const small = estimateMemory(moleculeSizes(molecules[0]!, model.budgetModel()), model.budgetModel());
  assert.is(small.chunks, 1);
  const large = estimateMemory(moleculeSizes(alkaneChain(1000), model.budgetModel()), model.budgetModel());
  assert.ok(large.chunks > 1 && large.bytes < DEFAULT_MAX_MEMORY / 2, `1000 atoms: ${large.chunks} chunks, ${large.bytes} bytes`);
});

test("a molecule over --max-memory is an error naming it, its estimate and the limit; the others are predicted", () => {
  const big = { ...alkaneChain(300), file: "big.xyz", line: 1 };
  const limit = 8 * 2 ** 20;
  const results = predict(model, [molecules[0]!, big, molecules[1]!], { maxMemory: limit });
  const plain = predict(model, [molecules[0]!, molecules[1]!]);
  sameBits(results[0]!.predicted!, plain[0]!.predicted!, "first");
  sameBits(results[2]!.predicted!, plain[1]!.predicted!, "third");
  assert.is(results[1]!.predicted, undefined);
  assert.match(results[1]!.error!, /^big\.xyz:1: molecule C99H200: needs about [\d.]+ MiB to predict \(16744 field points x 2186 orbitals, in \d+ chunks\), over the limit of 8\.00 MiB/);
  // Under a tight limit that still fits, the chunks shrink to fit and the value is the same.
  const fits = predict(model, [alkaneChain(30)], { maxMemory: 3 * 2 ** 20 })[0]!;
  assert.not.ok(fits.error, fits.error);
  sameBits(fits.predicted!, predict(model, [alkaneChain(30)])[0]!.predicted!, "tight limit");
});

test.run();
