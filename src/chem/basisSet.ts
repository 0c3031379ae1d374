// Basis-set names (Pople-style 6-31G, 3-21G, 6-311G; "minimal") and the atomic orbitals they put on each atom (method.md 2).
import { elementSymbol } from "./elements.js";

export interface BasisSetShape {
  name: string;
  /** Functions per inner (1s) shell of heavy atoms: the first digit. */
  inner: number;
  /** Functions per valence shell: the sum of the remaining digits. */
  outer: number;
  /** The poor basis of the GCN equivalence: one q = 1 s-type Gaussian per atom, whatever the element. */
  minimal?: boolean;
}

/** The name of the one-s-function-per-atom basis. */
export const MINIMAL_BASIS = "minimal";

/** Parses `N-MMG` or `N-MMMG` (digits only, case-insensitive G). */
export function parseBasisSet(name: string): BasisSetShape {
  if (name.trim().toLowerCase() === MINIMAL_BASIS) return { name: MINIMAL_BASIS, inner: 1, outer: 1, minimal: true };
  const m = /^(\d)-(\d{2,3})G$/i.exec(name.trim());
  if (!m) throw new Error(`unknown basis set "${name}": expected a Pople-style name such as 6-31G, 3-21G or 6-311G, or "minimal"`);
  const inner = Number(m[1]);
  const outer = [...m[2]!].reduce((s, d) => s + Number(d), 0);
  if (inner === 0 || outer === 0) throw new Error(`basis set "${name}" has an empty shell`);
  return { name: name.trim(), inner, outer };
}

export interface AtomicOrbital {
  /** Orbital type name, e.g. "C2p3". */
  name: string;
  /** Principal quantum number q (1 or 2). */
  q: number;
}

/** The atomic orbitals on an atom of atomic number z, in the reference's order. */
export function atomicOrbitals(z: number, basis: BasisSetShape): AtomicOrbital[] {
  const sym = elementSymbol(z);
  const out: AtomicOrbital[] = [];
  const shell = (label: string, q: number, count: number) => {
    for (let i = 0; i < count; i++) out.push({ name: `${sym}${label}${i}`, q });
  };
  if (basis.minimal) {
    shell("1s", 1, 1);
  } else if (z <= 2) {
    shell("1s", 1, basis.outer);
  } else {
    shell("1s", 1, basis.inner);
    shell("2s", 2, basis.outer);
    shell("2p", 2, basis.outer);
  }
  return out;
}
