// The pretrained model on all 1479 QM9under14 val molecules against the reference's predictions.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { iterateMolecules } from "../../src/chem/parse.js";
import { predictStream } from "../../src/predict/predictor.js";
import { meanAbsoluteError, type PredictionResult } from "../../src/predict/result.js";
import { sharedPath } from "../shared.js";
import { pretrainedModel } from "../model/reference.js";

test("val set: max |ours - reference| <= 1e-3 eV on every molecule, MAE 0.0575 +- 0.0002 eV", async () => {
  const model = await pretrainedModel();
  const reference = new Map(
    readFileSync(sharedPath("reference", "pretrained_under14_pred_val.tsv"), "utf8").trim().split("\n").slice(1)
      .map((line) => line.split("\t")).map(([id, correct, predicted]) => [id!, { correct: +correct!, predicted: +predicted! }]));
  assert.is(reference.size, 1479);
  const path = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
  const results: PredictionResult[] = [];
  let worst = 0, worstId = "";
  for (const r of predictStream(model, iterateMolecules(readFileSync(path, "utf8"), { fileName: path }))) {
    assert.not.ok(r.error, r.error);
    const ref = reference.get(r.id);
    assert.ok(ref, `no reference prediction for ${r.id}`);
    assert.ok(Math.abs(r.true![0]! - ref!.correct) < 1e-5, `${r.id}: true value differs from the reference's`);
    const d = Math.abs(r.predicted![0]! - ref!.predicted);
    if (d > worst) { worst = d; worstId = r.id; }
    results.push(r);
  }
  assert.is(results.length, 1479);
  const mae = meanAbsoluteError(results);
  console.log(`  val: max |diff| ${worst.toExponential(2)} eV (${worstId}), MAE ${mae.toFixed(5)} eV`);
  assert.ok(worst <= 1e-3, `max difference ${worst} eV at ${worstId}`);
  assert.ok(Math.abs(mae - 0.0575) <= 0.0002, `MAE ${mae}`);
});

test.run();
