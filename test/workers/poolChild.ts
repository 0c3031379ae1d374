// Child process for the shutdown test: uses the pool (and quits a stream early), closes it, never calls process.exit.
import { readFileSync } from "node:fs";
import { iterateMolecules } from "../../src/chem/parse.js";
import { predictInWorkers } from "../../src/api/predict.js";
import { PredictPool } from "../../src/workers/pool.js";

const [modelPath, dataPath] = process.argv.slice(2) as [string, string];
const bytes = readFileSync(modelPath);
const text = readFileSync(dataPath, "utf8");

const pool = await PredictPool.create(bytes, { workers: 2, chunkSize: 2 });
const all = await pool.predict(iterateMolecules(text));
await pool.close();

// Leaving a stream after the first result must close its pool too.
let first = "";
for await (const r of predictInWorkers(bytes, iterateMolecules(text), { workers: 2, chunkSize: 2 })) {
  first = r.id;
  break;
}
console.log(`predicted ${all.length}, first ${first}`);
