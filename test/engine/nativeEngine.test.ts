// The native dense engine (onnxruntime-node) against tfjs-wasm: the whole QM9under14 val set, same ids, same order,
// values within 1e-4 eV. Native runs in process with 1 and 2 intra-op threads (qdf predict --workers 0) and in a pool
// of 2 workers with a session of 1 thread each (--workers 2), against the wasm worker pool with 2 workers
// (test/workers/pool.test.ts shows any --workers is the same for wasm).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { iterateMolecules } from "../../src/chem/parse.js";
import { loadAnyModel, predictStream } from "../../src/predict/predictor.js";
import type { PredictionResult } from "../../src/predict/result.js";
import { PredictPool } from "../../src/workers/pool.js";
import { setDenseEngine, wasmDenseEngine } from "../../src/model/denseEngine.js";
import { loadOnnxRuntime, ONNXRUNTIME_INSTALL, selectEngine } from "../../src/node/nativeEngine.js";
import { repoRoot, sharedPath } from "../shared.js";

const MODEL = join(repoRoot, "models", "qdf-qm9-under14.safetensors");
const VAL = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const TOLERANCE = 1e-4; // eV: float32 sums in another order (MLAS's blocking against XNNPACK's)

function molecules() {
  return iterateMolecules(readFileSync(VAL, "utf8"), { fileName: VAL });
}

/** Every result's id and value; a molecule's error fails the test with its message. */
function values(results: PredictionResult[]): [string, number][] {
  return results.map((r) => {
    assert.not.ok(r.error, `${r.id}: ${r.error}`);
    return [r.id, r.predicted![0]!];
  });
}

function compare(label: string, expected: [string, number][], actual: [string, number][]): void {
  assert.is(actual.length, expected.length, `${label}: ${actual.length} results, not ${expected.length}`);
  let worst = 0, worstId = "";
  expected.forEach(([id, e], i) => {
    const [otherId, a] = actual[i]!;
    assert.is(otherId, id, `${label}: result ${i} is ${otherId}, not ${id}`);
    if (Math.abs(a - e) > worst) { worst = Math.abs(a - e); worstId = id; }
  });
  console.log(`  ${label}: ${actual.length} molecules, max |diff| ${worst.toExponential(2)} eV (${worstId || "none"})`);
  assert.ok(worst <= TOLERANCE, `${label}: max |diff| ${worst} eV at ${worstId} is over ${TOLERANCE}`);
}

test("onnxruntime-node is installed (CI installs it: .ci/run; else " + ONNXRUNTIME_INSTALL + ")", async () => {
  const ort = await loadOnnxRuntime();
  assert.ok(ort, `onnxruntime-node is not installed, so the native engine cannot be tested: run \`${ONNXRUNTIME_INSTALL}\` ` +
    "or set QDF_ONNXRUNTIME_DIR to a prefix where it is installed (.ci/run does this)");
});

test("val set: native (1 and 2 threads, in process) = wasm pool (2 workers) within 1e-4 eV, same ids and order", async () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const pool = await PredictPool.create(bytes, { workers: 2 });
  let wasm: [string, number][];
  try {
    wasm = values(await pool.predict(molecules()));
  } finally {
    await pool.close();
  }
  assert.is(wasm.length, 1479);
  const model = await loadAnyModel(bytes);
  try {
    for (const threads of [1, 2]) {
      const engine = await selectEngine("native", threads);
      assert.is(engine.name, "native");
      compare(`native, ${threads} thread(s) vs wasm`, wasm, values([...predictStream(model, molecules())]));
    }
  } finally {
    setDenseEngine(wasmDenseEngine);
    model.dispose();
  }
  const nativePool = await PredictPool.create(bytes, { workers: 2, engine: "native" });
  try {
    assert.match(nativePool.engine, /^native \(onnxruntime-node 1\.30\.0, 1 intra-op thread\)$/);
    compare("native pool, 2 workers x 1 thread vs wasm", wasm, values(await nativePool.predict(molecules())));
  } finally {
    await nativePool.close();
  }
});

test.run();
