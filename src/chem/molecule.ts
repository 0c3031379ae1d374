// The molecule as every stage sees it: id, elements, float64 coordinates (angstrom), optional property values.

export interface Molecule {
  /** Identifier: the QDF block's first line, the xyz comment, or `<file>#<n>`. */
  id: string;
  /** Element symbols in input order, canonical case ("C", "Cl"). */
  symbols: string[];
  /** Atomic numbers Z, same order. */
  atomicNumbers: Int32Array;
  /** Coordinates in angstrom, f64 [nAtoms * 3]. */
  coords: Float64Array;
  /** Property values (the QDF property line), absent for prediction input. */
  properties?: number[];
  /** The file it was read from, as the parser was told (absent for molecules built in code). */
  file?: string;
  /** 1-based line where it starts in that file: the QDF id line, the xyz atom-count line. */
  line?: number;
}

/** Sum of Z over the atoms: the molecule's electron count (neutral molecule). */
export function electronCount(m: Molecule): number {
  let n = 0;
  for (const z of m.atomicNumbers) n += z;
  return n;
}
