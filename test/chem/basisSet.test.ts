// Basis-set names and the atomic orbitals they put on H and on heavy atoms (method.md 2).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { atomicOrbitals, parseBasisSet } from "../../src/chem/basisSet.js";

const names = (z: number, basis: string) => atomicOrbitals(z, parseBasisSet(basis)).map((o) => `${o.name}:${o.q}`);
const shell = (prefix: string, q: number, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}:${q}`);

test("6-31G: H has 4 functions, C has 14", () => {
  assert.equal(parseBasisSet("6-31G"), { name: "6-31G", inner: 6, outer: 4 });
  assert.equal(names(1, "6-31G"), shell("H1s", 1, 4));
  assert.equal(names(6, "6-31G"), [...shell("C1s", 1, 6), ...shell("C2s", 2, 4), ...shell("C2p", 2, 4)]);
});

test("3-21G and 6-311G shell sizes", () => {
  assert.equal(parseBasisSet("3-21G"), { name: "3-21G", inner: 3, outer: 3 });
  assert.equal(parseBasisSet("6-311G"), { name: "6-311G", inner: 6, outer: 5 });
  assert.is(atomicOrbitals(8, parseBasisSet("6-311G")).length, 6 + 5 + 5);
  assert.is(atomicOrbitals(1, parseBasisSet("3-21G")).length, 3);
  // Case and surrounding spaces do not matter.
  assert.is(parseBasisSet(" 6-31g ").outer, 4);
});

test("bad basis-set names throw a clear error", () => {
  for (const bad of ["STO-3G", "6-31G*", "", "6-31", "631G", "0-31G"]) {
    assert.throws(
      () => parseBasisSet(bad),
      (e: Error) => e.message.includes(`"${bad}"`),
      `"${bad}" should be rejected`,
    );
  }
});

test.run();
