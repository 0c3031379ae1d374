// SMILES to 3D with openchemlib: hydrogens added, seeded determinism (whatever the thread did before), capping of *, oligomers, errors.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Embedder } from "../../src/chem/embed.js";
import type { Molecule } from "../../src/chem/molecule.js";
import { iterateInputItems, iterateMolecules } from "../../src/chem/parse.js";
import { EmbedPool } from "../../src/workers/embedPool.js";
import { repoRoot } from "../shared.js";

const formula = (m: Molecule) => {
  const n = new Map<string, number>();
  for (const s of m.symbols) n.set(s, (n.get(s) ?? 0) + 1);
  return [...n].sort().map(([s, k]) => `${s}${k}`).join("");
};
const dist = (m: Molecule, i: number, j: number) => Math.hypot(...[0, 1, 2].map((k) => m.coords[3 * i + k]! - m.coords[3 * j + k]!));
/** Each hydrogen's distance to its nearest non-hydrogen atom. */
const hBonds = (m: Molecule) => m.symbols.flatMap((s, i) => s !== "H" ? [] : [Math.min(...m.symbols.flatMap((t, j) => (t === "H" ? [] : [dist(m, i, j)])))]);

let embedder: Embedder;
test.before(async () => { embedder = await Embedder.load(); });

test("hydrogens are added and the geometry is physical (MMFF94s bond lengths)", () => {
  const m = embedder.embedSmiles("CC(=O)Nc1ccc(O)cc1", "paracetamol");
  assert.is(formula(m), "C8H9N1O2");
  for (const d of hBonds(m)) assert.ok(d > 0.95 && d < 1.12, `X-H ${d}`);
});

test("the same SMILES and seed give the same coordinates, whatever the thread embedded before", async () => {
  // CCC(C)=O first in a fresh worker thread, and here after CC(=O)CC#C, which openchemlib's thread-wide fragment cache
  // let move it by 1.2 A; then again (a repeat must not differ either) and with another seed (which must).
  const pool = new EmbedPool({ workers: 1 });
  let alone: number[] = [];
  try {
    for await (const item of pool.embedStream(iterateInputItems("t\tCCC(C)=O\n", { fileName: "t.smi" }))) {
      alone = "molecule" in item ? Array.from(item.molecule.coords) : [];
    }
  } finally {
    await pool.close();
  }
  embedder.embedSmiles("CC(=O)CC#C", "before");
  const after = Array.from(embedder.embedSmiles("CCC(C)=O", "after").coords);
  assert.is(alone.length, 3 * 13); // C4H8O
  assert.equal(after, alone);
  assert.equal(Array.from(embedder.embedSmiles("CCC(C)=O", "again").coords), alone);
  const seed2 = await Embedder.load({ seed: 2 });
  assert.not.equal(Array.from(seed2.embedSmiles("CCC(C)=O", "seed2").coords), alone);
});

test("capping: each * becomes a bonded hydrogen", () => {
  const m = embedder.embedSmiles("*CC(*)c1ccccc1", "styrene");
  assert.is(formula(m), "C8H10"); // ethylbenzene
  for (const d of hBonds(m)) assert.ok(d < 1.12, `cap too far: ${d}`);
  assert.is(formula(embedder.embedSmiles("[*]OC(=O)c1ccc(cc1)C(=O)O[*]", "pet")), "C8H6O4"); // terephthalic acid
});

test("--oligomer N: N units joined head to tail, ends capped; needs exactly two *", async () => {
  const tri = await Embedder.load({ oligomer: 3 });
  assert.is(formula(tri.embedSmiles("*CC(*)c1ccccc1", "ps3")), "C24H26");
  assert.is(formula(tri.embedSmiles("*C(F)(F)C(*)(F)F", "ptfe3")), "C6F12H2");
  assert.is(formula(tri.embedSmiles("CCO", "plain")), "C2H6O1"); // no *: embedded as it is
  assert.throws(() => tri.embedSmiles("*C(*)C*", "three"), /has 3 attachment points; an oligomer needs exactly 2/);
});

test("a file of SMILES: errors name file, line and id, and the others are embedded", () => {
  const path = join(repoRoot, "test", "fixtures", "smiles", "mixed.smi");
  const items = [...iterateMolecules(readFileSync(path, "utf8"), { fileName: path, embedder })];
  assert.equal(items.flatMap((i) => ("molecule" in i ? [i.molecule.id] : [])), ["ethanol", "acetic_acid", "mixed.smi#8", "styrene_unit"]);
  const errors = items.flatMap((i) => ("error" in i ? [i.error] : []));
  assert.equal(errors.map((e) => [e.file, e.line, e.moleculeId]), [[path, 3, "bad_ring"], [path, 6, "charged"], [path, 7, "mixed.smi#7"]]);
  assert.match(errors[0]!.message, `${path}:3: molecule bad_ring: SMILES "C1CC" cannot be parsed`);
  assert.match(errors[1]!.reason, /net charge 1/);
});

test("embedding in a worker gives exactly the in-thread coordinates, in input order", async () => {
  const text = "a\tCCO\nb\tC1CC\nc\tc1ccncc1\n";
  const pool = new EmbedPool({ workers: 1, chunkSize: 2 });
  const pooled = [];
  try {
    for await (const item of pool.embedStream(iterateInputItems(text, { fileName: "w.smi" }))) pooled.push(item);
  } finally {
    await pool.close();
  }
  const local = [...iterateMolecules(text, { fileName: "w.smi", embedder })];
  assert.is(pooled.length, 3);
  pooled.forEach((p, i) => {
    const l = local[i]!;
    if ("molecule" in l) assert.equal("molecule" in p && Array.from(p.molecule.coords), Array.from(l.molecule.coords));
    else assert.equal("error" in p && [p.error.message, p.error.line], [l.error.message, l.error.line]);
  });
});

test.run();
