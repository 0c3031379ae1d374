// Writes molecules as xyz text (count line, id as comment, "Symbol x y z" in angstrom), the format iterateXyz reads.
import type { Molecule } from "./molecule.js";

/** One molecule's xyz block; coordinates with 10 decimals (QM9's precision), so a round trip keeps ~1e-10 A. */
export function formatXyz(m: Molecule): string {
  const lines = [String(m.atomicNumbers.length), m.id.replace(/[\r\n]+/g, " ")];
  for (let i = 0; i < m.atomicNumbers.length; i++) {
    const c = [0, 1, 2].map((k) => m.coords[3 * i + k]!.toFixed(10));
    lines.push(`${m.symbols[i]} ${c.join(" ")}`);
  }
  return lines.join("\n") + "\n";
}
