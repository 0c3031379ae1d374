// Fuzz (seeded): geometry and memory-budget cases through the QDF text parser and predictStream. Every case ends in
// a clear error naming the molecule, or a value identical (1e-5 eV) to the unmutated molecule's, never a throw, a
// non-finite number or a molecule predicted over its budget. Replay a failure with its seed and case number.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { iterateMolecules, parseMolecules } from "../../src/chem/parse.js";
import type { Molecule } from "../../src/chem/molecule.js";
import { predictStream } from "../../src/predict/predictor.js";
import { estimateMemory, moleculeSizes } from "../../src/model/memoryBudget.js";
import { alkaneChain } from "../../bench/largeMolecules.js";
import { mulberry32 } from "../random.js";
import { sharedPath } from "../shared.js";
import { pretrainedModel } from "../model/reference.js";

const SEED = 1515;
const model = await pretrainedModel();
const path = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const base = parseMolecules(readFileSync(path, "utf8"), { fileName: path }).molecules.slice(0, 60);
const reference = new Map([...predictStream(model, base)].map((r) => [r.id, r.predicted![0]!]));

const qdfBlock = (id: string, symbols: string[], coords: ArrayLike<number | string>) =>
  [id, ...symbols.map((s, i) => `${s} ${coords[3 * i]} ${coords[3 * i + 1]} ${coords[3 * i + 2]}`)].join("\n");

type Expect = "same" | "geometry" | "budget" | "either";
interface Case { text: string; id: string; expect: Expect; maxMemory?: number; chunkBytes?: number }

/** One random case from a base molecule: translated, duplicated or nudged atoms, far coordinates, a budget. */
function makeCase(rand: () => number, i: number): Case {
  const m = base[Math.floor(rand() * base.length)]!, id = `${m.id}#${i}`, n = m.symbols.length;
  const coords: (number | string)[] = Array.from(m.coords);
  const symbols = [...m.symbols];
  const kind = Math.floor(rand() * 6);
  const shift = [0, 1, 2].map(() => (rand() - 0.5) * 2 * 10 ** (rand() * 6)); // up to ~1e6 A in total
  switch (kind) {
    case 0: // translated anywhere inside the bound: the same value
      for (let k = 0; k < 3 * n; k++) coords[k] = (coords[k] as number) + shift[k % 3]! * 0.9;
      return { text: qdfBlock(id, symbols, coords), id, expect: "same" };
    case 1: { // an atom line written twice, or nudged by under 0.1 A
      const a = Math.floor(rand() * n), d = rand() < 0.3 ? 0 : 10 ** (-1 - rand() * 9);
      symbols.push(symbols[a]!);
      coords.push((coords[3 * a] as number) + d, coords[3 * a + 1]!, coords[3 * a + 2]!);
      return { text: qdfBlock(id, symbols, coords), id, expect: "geometry" };
    }
    case 2: { // one coordinate far away (1e6..1e308) or overflowing the parser's float64
      const k = Math.floor(rand() * 3 * n);
      coords[k] = rand() < 0.2 ? "1e400" : `${(1.5 + rand() * 8).toFixed(3)}e${6 + Math.floor(rand() * 302)}`;
      return { text: qdfBlock(id, symbols, coords), id, expect: "geometry" };
    }
    case 3: { // a budget so tight the molecule cannot fit, or just fits (chunks shrink to fit)
      const e = estimateMemory(moleculeSizes(m, model.budgetModel()), model.budgetModel(), 1);
      const maxMemory = Math.max(1, Math.floor(e.bytes * (0.5 + rand())));
      return { text: qdfBlock(id, symbols, coords), id, expect: "either", maxMemory };
    }
    case 4: // small chunks of field points: the same value
      return { text: qdfBlock(id, symbols, coords), id, expect: "same", chunkBytes: 2 ** (12 + Math.floor(rand() * 10)) };
    default: // far below any budget's concern, translated by up to 1e5 A and chunked
      for (let k = 0; k < 3 * n; k++) coords[k] = (coords[k] as number) + shift[k % 3]! / 10;
      return { text: qdfBlock(id, symbols, coords), id, expect: "same", chunkBytes: 65536 };
  }
}

test(`${300} seeded geometry and budget cases (seed ${SEED}): a clear error or the same value, never anything else`, () => {
  const rand = mulberry32(SEED);
  const counts: Record<string, number> = {};
  for (let i = 0; i < 300; i++) {
    const c = makeCase(rand, i), where = `case ${i} (seed ${SEED}): ${c.id}`;
    const options = { ...(c.maxMemory ? { maxMemory: c.maxMemory } : {}), ...(c.chunkBytes ? { chunkBytes: c.chunkBytes } : {}) };
    let results;
    try {
      results = [...predictStream(model, iterateMolecules(c.text + "\n", { fileName: "fuzz.txt" }), options)];
    } catch (e) {
      throw new Error(`${where}: threw ${(e as Error).stack}`);
    }
    assert.is(results.length, 1, where);
    const r = results[0]!;
    const same = r.predicted !== undefined && Math.abs(r.predicted[0]! - reference.get(c.id.replace(/#\d+$/, ""))!) <= 1e-5;
    if (r.predicted) assert.ok(r.predicted.every(Number.isFinite), `${where}: ${r.predicted}`);
    const outcome = r.error === undefined ? "value" : /needs about .* over the limit of/.test(r.error) ? "budget" :
      /closer than 0\.1 A|bound on coordinates|coordinate/.test(r.error) ? "geometry" : "other";
    counts[`${c.expect}->${outcome}`] = (counts[`${c.expect}->${outcome}`] ?? 0) + 1;
    if (r.error) assert.ok(r.error.includes(c.id), `${where}: the error does not name the molecule: ${r.error}`);
    if (c.expect === "same") assert.ok(same, `${where}: ${r.error ?? `${r.predicted} vs ${reference.get(c.id.replace(/#\d+$/, ""))}`}`);
    if (c.expect === "geometry") assert.is(outcome, "geometry", `${where}: ${r.error ?? r.predicted}`);
    if (c.expect === "either") {
      assert.ok(outcome === "budget" || same, `${where}: ${r.error ?? r.predicted}`);
      const fits = estimateMemory(moleculeSizes(parseMolecules(c.text).molecules[0]!, model.budgetModel()), model.budgetModel(),
        undefined, c.maxMemory).bytes <= c.maxMemory!;
      assert.is(outcome === "budget", !fits, `${where}: over the budget is an error exactly when the estimate is over`);
    }
  }
  console.log(`  outcomes: ${JSON.stringify(counts)}`);
});

test("a 1000-atom molecule's estimate under the default budget is chunked and well within it", () => {
  const e = estimateMemory(moleculeSizes(alkaneChain(1000) as Molecule, model.budgetModel()), model.budgetModel());
  assert.ok(e.chunks > 1 && e.bytes < 2 ** 30, JSON.stringify(e));
});

test.run();
