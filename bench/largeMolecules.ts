// Synthetic large molecules for the memory bench and the chunking tests: alkane chains CnH2n+2 (zigzag, C-C 1.54 A,
// C-H 1.09 A, every pair of atoms >= 1.5 A apart).
import type { Molecule } from "../src/chem/molecule.js";

/** The alkane with about `atoms` atoms (3n + 2 for n carbons, n = round((atoms - 2) / 3), at least 1). */
export function alkaneChain(atoms: number): Molecule {
  const n = Math.max(1, Math.round((atoms - 2) / 3));
  const symbols: string[] = [], coords: number[] = [];
  const add = (s: string, x: number, y: number, z: number) => { symbols.push(s); coords.push(x, y, z); };
  const dx = 1.26, up = 0.89, hy = 0.63, hz = 0.89; // sqrt(1.26^2 + 0.89^2) = 1.54; sqrt(0.63^2 + 0.89^2) = 1.09
  for (let i = 0; i < n; i++) {
    const y = i % 2 === 0 ? 0 : up, out = i % 2 === 0 ? -hy : hy;
    add("C", i * dx, y, 0);
    add("H", i * dx, y + out, hz);
    add("H", i * dx, y + out, -hz);
  }
  add("H", -1.09, 0, 0);
  add("H", (n - 1) * dx + 1.09, (n - 1) % 2 === 0 ? 0 : up, 0);
  return {
    id: `C${n}H${2 * n + 2}`,
    symbols,
    atomicNumbers: Int32Array.from(symbols, (s) => (s === "C" ? 6 : 1)),
    coords: Float64Array.from(coords),
  };
}
