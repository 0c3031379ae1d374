// Per-element reference energies (atomrefs): a least-squares fit of the targets on element counts, subtracted for training and added back at prediction.
import type { Molecule } from "./molecule.js";

/** Element symbol -> one reference value per output (K values). */
export type Atomref = Record<string, number[]>;

/** The model-file metadata key that holds a model's atomref (absent: none). */
export const ATOMREF_KEY = "atomref";

/** Solves the symmetric positive (semi)definite system A x = b in float64 by Gaussian elimination with pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    if (pivot === 0) throw new Error("atomref fit: singular system");
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / pivot;
      if (f !== 0) for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Least squares of each output on the element counts (no intercept: a molecule's offset is the sum of its atoms'
 * references), over molecules with property values. A vanishing ridge (1e-12 of the diagonal's mean) keeps
 * collinear counts (an element always present with another in fixed proportion) solvable.
 */
export function fitAtomref(molecules: readonly Molecule[]): Atomref {
  const elements = [...new Set(molecules.flatMap((m) => m.symbols))].sort();
  const col = new Map(elements.map((e, i) => [e, i]));
  const n = elements.length, K = molecules[0]?.properties?.length ?? 0;
  if (n === 0 || K === 0) throw new Error("atomref fit: no molecules with property values");
  const xtx = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const xty = Array.from({ length: K }, () => new Array<number>(n).fill(0));
  for (const m of molecules) {
    const counts = new Array<number>(n).fill(0);
    for (const s of m.symbols) counts[col.get(s)!]! += 1;
    for (let i = 0; i < n; i++) {
      if (counts[i] === 0) continue;
      for (let j = 0; j < n; j++) xtx[i]![j]! += counts[i]! * counts[j]!;
      for (let k = 0; k < K; k++) xty[k]![i]! += counts[i]! * m.properties![k]!;
    }
  }
  const ridge = 1e-12 * xtx.reduce((s, row, i) => s + row[i]!, 0) / n;
  xtx.forEach((row, i) => (row[i]! += ridge));
  const perOutput = xty.map((b) => solve(xtx, b));
  return Object.fromEntries(elements.map((e, i) => [e, perOutput.map((x) => x[i]!)]));
}

/** The molecule's reference offset per output: the sum of its atoms' references (an element without one is an error). */
export function atomrefOffset(m: Pick<Molecule, "id" | "symbols">, ref: Atomref, outputs: number): number[] {
  const out = new Array<number>(outputs).fill(0);
  for (const s of m.symbols) {
    const r = ref[s];
    if (!r) throw new Error(`molecule ${m.id}: element ${s} has no reference energy in the model's atomref (elements: ${Object.keys(ref).join(" ")})`);
    for (let k = 0; k < outputs; k++) out[k]! += r[k]!;
  }
  return out;
}

/** The molecules with their property values minus the offsets (what a model with this atomref trains on). */
export function subtractAtomref(molecules: readonly Molecule[], ref: Atomref): Molecule[] {
  return molecules.map((m) => {
    if (!m.properties) return m;
    const off = atomrefOffset(m, ref, m.properties.length);
    return { ...m, properties: m.properties.map((p, k) => p - off[k]!) };
  });
}

export function formatAtomref(ref: Atomref): string {
  return JSON.stringify(ref);
}

/** Parses the metadata value; anything but {symbol: [finite numbers, K of them]} is an error. */
export function parseAtomref(text: string, outputs: number): Atomref {
  let v: unknown;
  try { v = JSON.parse(text); } catch { throw new Error(`metadata "${ATOMREF_KEY}" is not valid JSON`); }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`metadata "${ATOMREF_KEY}" is not a JSON object`);
  for (const [s, r] of Object.entries(v)) {
    if (!Array.isArray(r) || r.length !== outputs || !r.every((x) => typeof x === "number" && Number.isFinite(x))) {
      throw new Error(`metadata "${ATOMREF_KEY}": ${JSON.stringify(s)} must have ${outputs} finite numbers`);
    }
  }
  return Object.fromEntries(Object.entries(v)) as Atomref;
}
