// Training data: the train/val/test splits parsed, the orbital table built or checked, and every molecule featurised.
import { parseMolecules } from "../chem/parse.js";
import type { Molecule } from "../chem/molecule.js";
import type { QdfConfig } from "../model/config.js";
import { FieldContext, featurize, type MoleculeFeatures } from "../model/features.js";

export interface Splits<T> {
  train: T;
  val: T;
  test: T;
}

export const SPLIT_NAMES = ["train", "val", "test"] as const;

export interface TrainingData extends Splits<MoleculeFeatures[]> {
  /** K: values per property line (the same on every molecule). */
  outputs: number;
  /** The orbital table the features index into (grown from the data, or the given one). */
  orbitalDict: Record<string, number>;
}

/** Parses one split's QDF text; any bad molecule is an error (training data must be complete). */
export function parseSplit(text: string, fileName: string): Molecule[] {
  const { molecules, errors } = parseMolecules(text, { fileName, format: "qdf" });
  if (errors.length > 0) {
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
    throw new Error(`${errors[0]!.message}${more}`);
  }
  if (molecules.length === 0) throw new Error(`${fileName}: no molecules`);
  for (const m of molecules) {
    if (!m.properties || m.properties.length === 0) throw new Error(`${fileName}: molecule ${m.id} has no property line`);
  }
  return molecules;
}

/**
 * Featurises the splits with their true potentials. With `orbitalDict` null the table is built in order of first
 * appearance, train then val then test (method.md section 2); otherwise it is the model's, and a molecule with an
 * orbital type outside it is an error.
 */
export function prepareData(splits: Splits<Molecule[]>, field: Pick<QdfConfig, "basisSet" | "field" | "radius" | "gridInterval">,
                            orbitalDict: Record<string, number> | null): TrainingData {
  const table: Record<string, number> = orbitalDict ? { ...orbitalDict } : {};
  const ctx = new FieldContext({ ...field, orbitalDict: table }, orbitalDict === null);
  const outputs = splits.train[0]!.properties!.length;
  const out = {} as Splits<MoleculeFeatures[]>;
  for (const name of SPLIT_NAMES) {
    out[name] = splits[name].map((m) => {
      if (m.properties!.length !== outputs) {
        throw new Error(`${name}: molecule ${m.id} has ${m.properties!.length} property values, the first training molecule has ${outputs}`);
      }
      return featurize(m, ctx, true);
    });
  }
  return { ...out, outputs, orbitalDict: table };
}

/** "QM9under7atoms_atomizationenergy_eV" -> "atomization energy (eV)": the reference's naming of the property. */
export function propertyFromDirName(dir: string): string {
  const parts = dir.replace(/[\\/]+$/, "").split(/[\\/]/).pop()!.split("_");
  if (parts.length < 2) return "property";
  const unit = parts[parts.length - 1]!;
  const known: Record<string, string> = { atomizationenergy: "atomization energy", homolumo: "HOMO and LUMO" };
  const name = parts[parts.length - 2]!;
  return `${known[name] ?? name} (${unit})`;
}
