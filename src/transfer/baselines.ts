// Baseline features for transfer: element composition, and openchemlib's FragFp substructure fingerprint.
import type { Molecule } from "../chem/molecule.js";
import type { OpenChemLib } from "../chem/openchemlib.js";

/** Per element (atomic numbers given): its atom count, then its fraction of the atoms. */
export function compositionFeatures(m: Molecule, elements: number[]): number[] {
  const counts = elements.map((z) => m.atomicNumbers.filter((a) => a === z).length);
  return [...counts, ...counts.map((c) => c / m.atomicNumbers.length)];
}

/** A repeat unit's SMILES with each attachment point (*, [*], [*:1], [1*]) as a hydrogen, as the embedding caps it. */
export function cappedSmiles(smiles: string): string {
  return smiles.replace(/\[[0-9]*\*(:[0-9]+)?\]|\*/g, "[H]");
}

/** openchemlib's FragFp fingerprint (512 substructure bits) of the capped SMILES, as 0/1 features. */
export function fingerprintFeatures(ocl: OpenChemLib, smiles: string): number[] {
  const index = ocl.Molecule.fromSmiles(cappedSmiles(smiles)).getIndex();
  const bits: number[] = [];
  for (const word of index) for (let b = 31; b >= 0; b--) bits.push((word >>> b) & 1);
  return bits;
}

/** The elements of a SMILES (capped), by atomic number, as openchemlib reads it (hydrogens included). */
export function smilesElements(ocl: OpenChemLib, smiles: string): number[] {
  const mol = ocl.Molecule.fromSmiles(cappedSmiles(smiles));
  const out = new Set<number>([1]);
  for (let i = 0; i < mol.getAllAtoms(); i++) out.add(mol.getAtomicNo(i));
  return [...out].sort((a, b) => a - b);
}
