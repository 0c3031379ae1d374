// Embedding does not depend on order or thread history: the same SMILES and seed give bitwise the same coordinates.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Embedder } from "../../src/chem/embed.js";
import { iterateInputItems } from "../../src/chem/parse.js";
import { EmbedPool } from "../../src/workers/embedPool.js";

// QM9 val SMILES whose conformers, with openchemlib's thread-wide fragment cache, changed with the molecules embedded
// before them in the thread (CCC(C)=O by 1.2 A after CC(=O)CC#C and 6.9 A after CCC(=O)C=O, CCC=O by 1.2e-3 A after
// O=CCCOC=O; the rest differed between forward and reverse order of the first 300 val SMILES).
const SMILES = ["CC(=O)CC#C", "CCC(C)=O", "O=CCCOC=O", "CCC=O", "CCC(=O)C=O", "O=CCC1=CC=CO1", "NC(=O)OC1CC1", "O=CC1=CC=NC=C1"];

/** Coordinates per SMILES, embedded in this order in a fresh worker thread (whose openchemlib has embedded nothing). */
async function inFreshWorker(order: readonly string[]): Promise<Map<string, number[]>> {
  const text = order.map((s, i) => `m${i}\t${s}`).join("\n") + "\n";
  const pool = new EmbedPool({ workers: 1, chunkSize: order.length });
  const out = new Map<string, number[]>();
  try {
    for await (const item of pool.embedStream(iterateInputItems(text, { fileName: "order.smi" }))) {
      if (!("molecule" in item)) throw new Error(`worker: ${item.error.message}`);
      out.set(order[Number(item.molecule.id.slice(1))]!, Array.from(item.molecule.coords));
    }
  } finally {
    await pool.close();
  }
  return out;
}

test("the same SMILES gives bitwise the same coordinates in any order, in a fresh thread or after other molecules", async () => {
  const forward = await inFreshWorker(SMILES);
  const reverse = await inFreshWorker([...SMILES].reverse());
  // This thread, after a few unrelated molecules, in a third order (every second one, then the rest).
  const embedder = await Embedder.load({ seed: 1 });
  for (const s of ["CC(C)CC(=O)N", "c1ccncc1", "OCC1=NC=NC=C1"]) embedder.embedSmiles(s, "before");
  const third = [...SMILES.filter((_, i) => i % 2 === 1), ...SMILES.filter((_, i) => i % 2 === 0)];
  const here = new Map(third.map((s) => [s, Array.from(embedder.embedSmiles(s, s).coords)]));
  for (const s of SMILES) {
    assert.ok(forward.get(s)!.length > 0, s);
    assert.equal(reverse.get(s), forward.get(s), `${s}: reverse order vs forward, fresh workers`);
    assert.equal(here.get(s), forward.get(s), `${s}: this thread after other molecules vs a fresh worker`);
  }
});

test.run();
