// The basis straight from field points equals distances-then-basis bit for bit, whole and in row chunks: prediction
// (from points) and training (from distances) see the same basis matrix.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadKernels } from "../../src/kernels/instance.js";
import {
  addBasisSquaresFromPoints, basisGroupSumsFromPoints, basisValues, basisValuesFromPoints, basisValuesFromPointsWithNorms,
  distances,
} from "../../src/kernels/basis.js";

await loadKernels();

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.is(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

/** Atoms with 1, 2, 5, ... orbitals each (an atom's orbitals share its centre), q 1-3, a point on a nucleus. */
function orbitalsOn(nAtoms: number, seed: number) {
  let s = seed;
  const r = (lo: number, hi: number) => lo + (hi - lo) * ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const atoms = Float64Array.from({ length: nAtoms * 3 }, () => r(-3, 3));
  const centres: number[] = [], centreOf: number[] = [], q: number[] = [], zeta: number[] = [];
  for (let a = 0; a < nAtoms; a++) {
    for (let k = 0; k < [1, 2, 5][a % 3]!; k++) {
      centres.push(atoms[3 * a]!, atoms[3 * a + 1]!, atoms[3 * a + 2]!);
      centreOf.push(a);
      q.push(1 + (k % 3));
      zeta.push(r(0.1, 5));
    }
  }
  const points = Float64Array.from({ length: 97 * 3 }, () => r(-4, 4));
  points.set(atoms.subarray(3, 6), 12); // point 4 sits on atom 1: its distance is 0 -> 1e6
  return {
    sites: { points, centres: atoms, centreOf: Int32Array.from(centreOf) },
    orbitalCentres: Float64Array.from(centres), q: Float32Array.from(q), zeta: Float32Array.from(zeta),
  };
}

test("basisValuesFromPoints: the values and norms of basisValues(distances(...)) bit for bit", () => {
  for (const [nAtoms, seed] of [[1, 1], [2, 2], [5, 3], [9, 4], [13, 5]] as const) {
    const { sites, orbitalCentres, q, zeta } = orbitalsOn(nAtoms, seed);
    const nPoints = sites.points.length / 3;
    const expected = basisValues(distances(sites.points, orbitalCentres), q, zeta, nPoints);
    const got = basisValuesFromPoints(sites, q, zeta);
    sameBits(got.values, expected.values, `${nAtoms} atoms (${q.length} orbitals): values`);
    sameBits(got.norms, expected.norms, `${nAtoms} atoms: norms`);
    assert.ok(expected.values.some((v) => v > 0) && expected.norms.every((n) => n > 0), "a basis that is not all zero");
  }
});

test("from points in row chunks: the whole field's norms and rows bit for bit", () => {
  const { sites, q, zeta } = orbitalsOn(7, 9);
  const nPoints = sites.points.length / 3, nOrb = q.length;
  const rowsOf = (start: number, end: number) => ({ ...sites, points: sites.points.subarray(3 * start, 3 * end) });
  const whole = basisValuesFromPoints(sites, q, zeta);
  for (const rows of [1, 10, 64, nPoints - 1]) {
    const sumsq = new Float32Array(nOrb);
    for (let start = 0; start < nPoints; start += rows) {
      addBasisSquaresFromPoints(rowsOf(start, Math.min(nPoints, start + rows)), q, zeta, sumsq);
    }
    const norms = sumsq.map(Math.sqrt);
    sameBits(norms, whole.norms, `norms, ${rows} rows a chunk`);
    for (let start = 0; start < nPoints; start += rows) {
      const end = Math.min(nPoints, start + rows);
      const chunk = basisValuesFromPointsWithNorms(rowsOf(start, end), q, zeta, norms);
      sameBits(chunk, whole.values.subarray(start * nOrb, end * nOrb), `rows ${start}..${end - 1}`);
    }
  }
});

/** Groups as orbital types: each atom's orbitals in consecutive groups, the same ones for atoms of one kind. */
function typeGroups(centreOf: Int32Array): Int32Array {
  const base = [0, 1, 3]; // the atoms' kinds have 1, 2 and 5 orbitals (orbitalsOn): groups 0, 1-2, 3-7
  return Int32Array.from(centreOf, (a, o) => base[a % 3]! + (o - centreOf.indexOf(a)));
}

test("basisGroupSumsFromPoints: the normalised columns summed per group, float32 in column order, bit for bit", () => {
  for (const [nAtoms, seed, groups, layout] of [[1, 6, 1, "interleaved"], [5, 7, 3, "interleaved"], [13, 8, 6, "interleaved"],
    [2, 10, 8, "types"], [13, 11, 8, "types"]] as const) {
    const { sites, q, zeta } = orbitalsOn(nAtoms, seed);
    const nPoints = sites.points.length / 3, nOrb = q.length;
    // Columns interleaved across atoms (runs of one), or in runs as orbital types come; the out has 2 more groups
    // that get no column (zeros).
    const groupOf = layout === "types" ? typeGroups(sites.centreOf) : Int32Array.from({ length: nOrb }, (_, o) => (o * 7) % groups);
    const width = groups + 2;
    const values = basisValuesFromPoints(sites, q, zeta).values;
    const expected = new Float32Array(nPoints * width);
    for (let p = 0; p < nPoints; p++) {
      for (let o = 0; o < nOrb; o++) {
        const at = p * width + groupOf[o]!;
        expected[at] = Math.fround(expected[at]! + values[p * nOrb + o]!);
      }
    }
    // Scratch memory is reused between calls: dirty it first, so that a group left unzeroed would show.
    const dirty = orbitalsOn(13, 99);
    basisValuesFromPoints(dirty.sites, dirty.q, dirty.zeta);
    const got = basisGroupSumsFromPoints(sites, q, zeta, groupOf, width);
    sameBits(got, expected, `${nAtoms} atoms, ${groups} groups, ${layout}`);
    assert.ok(got.some((v, i) => i % width === 0 && v > 0), "group 0 is not all zero");
    assert.ok(got.every((v, i) => i % width < groups || v === 0), "the groups with no column are zero");
    if (layout === "types") assert.ok(groupOf.some((g, o) => o > 0 && g === groupOf[o - 1]! + 1), "runs longer than one");
  }
  const { sites, q, zeta } = orbitalsOn(2, 1);
  assert.throws(() => basisGroupSumsFromPoints(sites, q, zeta, new Int32Array(q.length).fill(2), 2), /outside 0\.\.1/);
});

test.run();
