// Per-element reference energies: the least-squares fit recovers exact per-element values; offsets and metadata.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { atomrefOffset, fitAtomref, parseAtomref, subtractAtomref, formatAtomref } from "../../src/chem/atomref.js";
import type { Molecule } from "../../src/chem/molecule.js";
import { mulberry32 } from "../random.js";

const REF: Record<string, [number, number]> = { H: [-0.5, 1], C: [-37.8, 2], N: [-54.6, 3], O: [-75.1, 4], Cl: [-460.2, 5] };

function mol(id: string, symbols: string[], noise = 0): Molecule {
  const props = [0, 1].map((k) => symbols.reduce((s, e) => s + REF[e]![k]!, 0) + noise);
  return { id, symbols, atomicNumbers: new Int32Array(symbols.length), coords: new Float64Array(symbols.length * 3), properties: props };
}

test("an exactly linear set is fitted exactly, per output", () => {
  const rand = mulberry32(3);
  const elements = Object.keys(REF);
  const mols = Array.from({ length: 40 }, (_, i) => mol(`m${i}`, Array.from({ length: 2 + Math.floor(rand() * 9) }, () => elements[Math.floor(rand() * elements.length)]!)));
  const ref = fitAtomref(mols);
  assert.equal(Object.keys(ref).sort(), [...elements].sort());
  for (const e of elements) REF[e]!.forEach((x, k) => assert.ok(Math.abs(ref[e]![k]! - x) < 1e-8, `${e}[${k}]: ${ref[e]![k]} vs ${x}`));
  const residual = subtractAtomref(mols, ref);
  for (const m of residual) for (const p of m.properties!) assert.ok(Math.abs(p) < 1e-7);
});

test("noise: the fit minimises the squared residual (a nudged coefficient does worse)", () => {
  const rand = mulberry32(9);
  const mols = Array.from({ length: 30 }, (_, i) => mol(`m${i}`, ["C", ...Array.from({ length: 1 + (i % 4) }, () => "H"), ...(i % 3 ? ["O"] : [])], rand() - 0.5));
  const ref = fitAtomref(mols);
  const sse = (r: typeof ref) => mols.reduce((s, m) => s + (m.properties![0]! - atomrefOffset(m, r, 2)[0]!) ** 2, 0);
  const base = sse(ref);
  for (const e of ["C", "H", "O"]) for (const d of [-1e-3, 1e-3]) {
    assert.ok(sse({ ...ref, [e]: [ref[e]![0]! + d, ref[e]![1]!] }) > base, `${e} ${d}`);
  }
});

test("offsets need every element; metadata round trip and validation", () => {
  const ref = { H: [-0.5], C: [-38] };
  assert.equal(atomrefOffset({ id: "x", symbols: ["C", "H", "H"] }, ref, 1), [-39]);
  assert.throws(() => atomrefOffset({ id: "x", symbols: ["S"] }, ref, 1), /molecule x: element S has no reference energy/);
  assert.equal(parseAtomref(formatAtomref(ref), 1), ref);
  assert.throws(() => parseAtomref('{"H":[1,2]}', 1), /must have 1 finite numbers/);
  assert.throws(() => parseAtomref("[1]", 1), /not a JSON object/);
});

test.run();
