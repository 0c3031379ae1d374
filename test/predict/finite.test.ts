// Finite or failed: a prediction that is NaN or infinite is that molecule's error naming the model and the id, never
// a value in the table or the MAE; the CLI exits 1 as for any failed molecule.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseMolecules } from "../../src/chem/parse.js";
import { readModelFile, writeModelFile } from "../../src/model/modelFile.js";
import { QdfModel } from "../../src/model/qdf.js";
import { predict } from "../../src/predict/predictor.js";
import { meanAbsoluteError } from "../../src/predict/result.js";
import { predictEnsemble } from "../../src/predict/ensemble.js";
import { sharedPath } from "../shared.js";
import { PRETRAINED, pretrainedModel } from "../model/reference.js";
import { qdf, table } from "../cli/run.js";

const good = await pretrainedModel();
const path = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const molecules = parseMolecules(readFileSync(path, "utf8"), { fileName: path }).molecules.slice(0, 6);

/** The pretrained model's data with the property head's weights times `scale` and its bias set to `bias`. */
function tampered(scale: number, bias: number) {
  const data = readModelFile(readFileSync(PRETRAINED));
  const w = data.weights.get("W_property.weight")!.data, b = data.weights.get("W_property.bias")!.data;
  w.forEach((v, i) => (w[i] = v * scale));
  b[0] = bias;
  return data;
}

test("a NaN prediction is the molecule's error, naming the model and the id; no value; MAE over the others only", () => {
  const model = new QdfModel(tampered(1, NaN));
  try {
    const results = predict(model, molecules, { modelName: "nan.safetensors" });
    results.forEach((r, i) => {
      assert.is(r.predicted, undefined, `${r.id} has a value`);
      assert.match(r.error ?? "", `model nan.safetensors: molecule ${molecules[i]!.id}: predicted value is NaN, not a finite number`);
    });
    assert.ok(Number.isNaN(meanAbsoluteError(results)), "no pairs: no MAE (the CLI prints none)");
    // In an ensemble the failing member fails the molecule, so the mean is never a NaN either.
    const ensemble = predictEnsemble([good, model], molecules, { modelName: "nan.safetensors" });
    ensemble.forEach((r) => { assert.is(r.predicted, undefined); assert.match(r.error ?? "", "not a finite number"); });
  } finally {
    model.dispose();
  }
});

test("qdf predict with a model that overflows to infinity: error rows, no number, no NaN MAE, exit code 1", () => {
  const dir = mkdtempSync(join(tmpdir(), "qdf-finite-"));
  try {
    // Finite weights (the file loads), but 5e37 times the head's weights overflows float32 on every molecule.
    const file = join(dir, "overflow.safetensors"), input = join(dir, "in.txt");
    writeFileSync(file, writeModelFile(tampered(5e37, 0)));
    writeFileSync(input, readFileSync(path, "utf8").split(/\n\s*\n/).slice(0, 3).join("\n\n") + "\n");
    for (const workers of ["0", "1"]) {
      const r = qdf(["predict", "--model", file, "--workers", workers, input]);
      assert.is(r.code, 1, r.stderr);
      const rows = table(r.stdout);
      assert.is(rows.length, 3);
      for (const row of rows) {
        assert.is(row.predicted_eV, "", `a value in the table: ${row.predicted_eV}`);
        assert.ok(row.error!.includes(`model ${file}: molecule ${row.id}: predicted value is `), row.error);
        assert.match(row.error!, /is -?Infinity, not a finite number$/);
      }
      assert.not.match(r.stderr + r.stdout, /NaN/);
      assert.not.match(r.stderr, /^MAE/m);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
