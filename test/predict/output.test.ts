// The prediction result and table: units and rounding, columns, CSV/JSONL, ensembles' mean and std, library fields.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { iterateMolecules } from "../../src/chem/parse.js";
import { loadModel, predict, predictEnsemble, predictEnsembleInWorkers, type PredictionResult } from "../../src/api/predict.js";
import { combineEnsemble, tee } from "../../src/predict/ensemble.js";
import { formatValue, outputUnit, UnitError } from "../../src/io/units.js";
import { tableColumns, tableHeader, tableRow, type TableLayout } from "../../src/io/predictionTable.js";
import { UnknownOrbitalError } from "../../src/model/orbitals.js";
import { sharedPath } from "../shared.js";

const A = sharedPath("reference", "train_under7_small_final.safetensors");
const B = sharedPath("reference", "train_under7_small_init.safetensors");
const EV = outputUnit("atomization energy (eV)");

test("rounding: 6 decimals of eV, 5 of kcal/mol, 7 of hartree, 7 significant digits otherwise; no -0", () => {
  const f32 = Math.fround(-16.70547866821289);
  assert.is(formatValue(f32, EV), "-16.705479");
  assert.is(formatValue(-1e-9, EV), "0.000000");
  assert.is(formatValue(1, outputUnit("x (eV)", "kcal/mol")), "23.06055");
  assert.is(formatValue(27.211386245988, outputUnit("x (eV)", "hartree")), "1.0000000");
  assert.is(formatValue(-1, outputUnit("x (hartree)", "eV")), "-27.211386");
  assert.is(formatValue(Math.fround(1.2345678), outputUnit("dipole (D)")), "1.234568");
  assert.is(outputUnit("score").unit, "");
  assert.throws(() => outputUnit("dipole (D)", "eV"), (e: unknown) => e instanceof UnitError && /cannot be converted/.test((e as Error).message));
});

test("columns: units in names, K outputs numbered, ensembles add std and per-model columns", () => {
  assert.equal(tableColumns({ outputs: 1, unit: EV, withTrue: false }),
    ["file", "line", "id", "atoms", "formula", "predicted_eV", "error", "warnings"]);
  assert.equal(tableColumns({ outputs: 2, unit: outputUnit("x (eV)", "kcal/mol"), withTrue: true, models: 2 }), [
    "file", "line", "id", "atoms", "formula", "predicted_1_kcal_mol", "predicted_2_kcal_mol", "std_1_kcal_mol", "std_2_kcal_mol",
    "true_1_kcal_mol", "true_2_kcal_mol", "abs_error_1_kcal_mol", "abs_error_2_kcal_mol",
    "model1_1_kcal_mol", "model1_2_kcal_mol", "model2_1_kcal_mol", "model2_2_kcal_mol", "error", "warnings"]);
  assert.equal(tableColumns({ outputs: 1, unit: outputUnit("score"), withTrue: false }).slice(5, 6), ["predicted"]);
});

test("rows: TSV cells never break the row; CSV quotes; JSONL nulls and arrays", () => {
  const layout: TableLayout = { outputs: 1, unit: EV, withTrue: true };
  const r: PredictionResult = { id: "a\tb", nAtoms: 3, file: "x,y.txt", line: 4, formula: "H2O", predicted: [-1.5], true: [-1],
    warnings: ["w1", 'say "hi"'] };
  assert.is(tableRow(r, layout), "x,y.txt\t4\ta b\t3\tH2O\t-1.500000\t-1.000000\t0.500000\t\tw1; say \"hi\"\n");
  assert.is(tableRow(r, layout, "csv"), '"x,y.txt",4,a\tb,3,H2O,-1.500000,-1.000000,0.500000,,"w1; say ""hi"""\n');
  assert.equal(JSON.parse(tableRow(r, layout, "jsonl")), { file: "x,y.txt", line: 4, id: "a\tb", atoms: 3, formula: "H2O",
    predicted_eV: -1.5, true_eV: -1, abs_error_eV: 0.5, error: null, warnings: ["w1", 'say "hi"'] });
  const failed: PredictionResult = { id: "", nAtoms: 0, file: "f", line: 9, formula: "", error: "f:10: bad", warnings: [] };
  assert.is(tableRow(failed, layout), "f\t9\t\t\t\t\t\t\tf:10: bad\t\n");
  assert.is(tableHeader(layout, "jsonl"), "");
  assert.is(tableHeader(layout, "csv"), "file,line,id,atoms,formula,predicted_eV,true_eV,abs_error_eV,error,warnings\n");
});

test("combineEnsemble: mean, sample std (n - 1), members; any model's error fails the molecule", () => {
  const base = { id: "m", nAtoms: 2, file: "f", line: 1, formula: "H2" };
  const c = combineEnsemble([1, 2, 6].map((v) => ({ ...base, predicted: [v, -v], warnings: v === 2 ? ["w"] : [] })));
  assert.equal(c.predicted, [3, -3]);
  assert.equal(c.std, [Math.sqrt(7), Math.sqrt(7)]); // deviations -2, -1, 3: 14 / (3 - 1)
  assert.equal(c.members, [[1, -1], [2, -2], [6, -6]]);
  assert.equal(c.warnings, ["w"]);
  const e = combineEnsemble([{ ...base, predicted: [1] }, { ...base, error: "f:1: molecule m: element Si ..." }]);
  assert.is(e.predicted, undefined);
  assert.is(e.error, "model 2: f:1: molecule m: element Si ...");
  const same = combineEnsemble([{ ...base, error: "parse" }, { ...base, error: "parse" }]);
  assert.is(same.error, "parse");
  assert.equal([...tee([1, 2, 3], 2)].map((b) => [...b]), [[1, 2, 3], [1, 2, 3]]);
});

const TEXT = "w\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n\nlone\nH 0 0 0\n\nsi\nSi 0 0 0\nH 1.4 0 0\n\nbad\nO 0 0 x\nXx 0 0 0\n";

test("library: results carry file, line, formula, warnings; unknown elements name symbols; ensembles in and out of workers agree", async () => {
  const [a, b] = await Promise.all([A, B].map((p) => loadModel(readFileSync(p))));
  const items = () => iterateMolecules(TEXT, { fileName: "in.txt" });
  const results = predict(a!, items());
  assert.equal(results.map((r) => [r.id, r.file, r.line, r.formula, r.nAtoms]),
    [["w", "in.txt", 1, "H2O", 3], ["lone", "in.txt", 6, "H", 1], ["si", "in.txt", 9, "HSi", 2], ["bad", "in.txt", 13, "", 0]]);
  assert.equal(results[1]!.warnings, ["a single atom, not a molecule (the model was trained on molecules)"]);
  assert.is(results[2]!.error, "in.txt:9: molecule si: element Si not in the model's orbital table; the model knows H, C, N, O, F");
  assert.match(results[3]!.error!, /^in.txt:14: molecule bad: coordinate z "x" is not a number; in.txt:15: molecule bad: unknown element "Xx"$/);
  assert.is(predict(a!, items(), { strict: true })[1]!.predicted, undefined);

  const ens = predictEnsemble([a!, b!], items());
  const one = predict(b!, items());
  assert.equal(ens[0]!.members, [results[0]!.predicted, one[0]!.predicted]);
  const pooled: PredictionResult[] = [];
  for await (const r of predictEnsembleInWorkers([A, B].map((p) => readFileSync(p)), items(), { workers: 1 })) pooled.push(r);
  assert.equal(pooled, ens);
  a!.dispose();
  b!.dispose();
});

test("UnknownOrbitalError is a named error with the element symbols", () => {
  const e = new UnknownOrbitalError("m", ["Si"], ["H", "C"]);
  assert.instance(e, Error);
  assert.is(e.name, "UnknownOrbitalError");
  assert.equal([e.elements, e.modelElements], [["Si"], ["H", "C"]]);
});

test.run();
