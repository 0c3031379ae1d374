// Benchmark: end-to-end prediction (parse -> field -> basis -> LCAO -> functional -> E) on the QM9under14 val set.
import { readFileSync } from "node:fs";
import { iterateMolecules } from "../src/chem/parse.js";
import { loadModel, predictStream } from "../src/api/predict.js";
import { featurize } from "../src/model/features.js";
import { sharedPath } from "../test/shared.js";
import { matmulCeiling, predictFlops } from "./matmulCeiling.js";

const dataPath = process.argv[2] ?? sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const modelPath = process.argv[3] ?? sharedPath("reference", "pretrained_under14.safetensors");
const PYTORCH_MOL_PER_S = 87; // the authors' code, end to end, both cores, this kind of machine

const model = await loadModel(readFileSync(modelPath));
const text = readFileSync(dataPath, "utf8");

// Useful work, counted once outside the timed run.
let flops = 0;
for (const item of iterateMolecules(text, { fileName: dataPath })) {
  if (!("molecule" in item)) continue;
  const f = featurize(item.molecule, model.ctx);
  flops += predictFlops(f.nField, f.q.length, model.config.dim, model.config.layerFunctional, model.config.outputs);
}

const ceilingBefore = matmulCeiling();
const t0 = performance.now();
let n = 0, failed = 0;
for (const r of predictStream(model, iterateMolecules(text, { fileName: dataPath }))) {
  if (r.error) failed++;
  n++;
}
const seconds = (performance.now() - t0) / 1000;
const ceilingAfter = matmulCeiling();
const ceiling = (ceilingBefore + ceilingAfter) / 2;
const useful = flops / seconds / 1e9;
const rss = process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB

console.log(`predict: ${n} molecules (${failed} failed) in ${seconds.toFixed(2)} s, one process`);
console.log(`  molecules/s            ${(n / seconds).toFixed(1)}   (target >= 70; PyTorch ${PYTORCH_MOL_PER_S}/s on 2 cores: ratio ${(n / seconds / PYTORCH_MOL_PER_S).toFixed(2)})`);
console.log(`  useful GFLOP/s         ${useful.toFixed(1)}   (${(flops / n / 1e9).toFixed(3)} GFLOP per molecule)`);
console.log(`  matmul ceiling GFLOP/s ${ceiling.toFixed(1)}   (before ${ceilingBefore.toFixed(1)}, after ${ceilingAfter.toFixed(1)})`);
console.log(`  ratio useful/ceiling   ${(useful / ceiling).toFixed(3)}   (target >= 0.75)`);
console.log(`  peak RSS               ${rss.toFixed(0)} MiB   (target <= 300 MB)`);
