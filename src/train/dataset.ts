// Training data: the train/val/test splits streamed in, the orbital table built or checked, molecules kept compact.
import { iterateQdf } from "../chem/parse.js";
import type { TextSource } from "../chem/lineReader.js";
import type { Molecule } from "../chem/molecule.js";
import type { QdfConfig } from "../model/config.js";
import { FieldContext } from "../model/features.js";
import { moleculeOrbitals } from "../model/orbitals.js";
import { geometryProblem } from "../chem/geometryChecks.js";
import { crc32 } from "../io/crc32.js";
import { FeatureSet, MoleculeStore, type FeatureSource } from "./moleculeStore.js";

export interface Splits<T> {
  train: T;
  val: T;
  test: T;
}

export const SPLIT_NAMES = ["train", "val", "test"] as const;

/** What the trainer reads: the splits' features (arrays, or FeatureSets featurising on demand). */
export interface TrainingData extends Splits<FeatureSource> {
  /** K: values per property line (the same on every molecule). */
  outputs: number;
  /** The orbital table the features index into (grown from the data, or the given one). */
  orbitalDict: Record<string, number>;
}

/** prepareData's result: compact splits featurised per batch, and the data's fingerprint (see dataFingerprint). */
export interface PreparedData extends TrainingData {
  train: FeatureSet;
  val: FeatureSet;
  test: FeatureSet;
  fingerprint: string;
}

export interface PrepareOptions {
  /**
   * Bytes of features each split may keep between uses (least recently used dropped first; default 0: every batch
   * featurised afresh). Memory stays bounded by it whatever the dataset's size; bench/train-memory measures both.
   */
  cacheBytes?: number;
}

/**
 * Streams one split's QDF text (whole, or in pieces as a file is read); any bad molecule is an error (training data
 * must be complete). Nothing more is yielded after a problem, and the error is thrown once the split has been read,
 * so that it can say how many parse errors there are.
 */
export function* streamSplit(text: TextSource, fileName: string): Generator<Molecule> {
  let firstError: string | undefined, errors = 0, noProperties: string | undefined, molecules = 0;
  for (const item of iterateQdf(text, fileName)) {
    if ("error" in item) {
      firstError ??= item.error.message;
      errors++;
      continue;
    }
    molecules++;
    const m = item.molecule;
    if (!m.properties || m.properties.length === 0) noProperties ??= `${fileName}: molecule ${m.id} has no property line`;
    else if (errors === 0 && noProperties === undefined) yield m;
  }
  if (errors > 0) throw new Error(`${firstError}${errors > 1 ? ` (and ${errors - 1} more)` : ""}`);
  if (molecules === 0) throw new Error(`${fileName}: no molecules`);
  if (noProperties) throw new Error(noProperties);
}

/** Parses one split's QDF text whole; any bad molecule is an error (training data must be complete). */
export function parseSplit(text: TextSource, fileName: string): Molecule[] {
  return [...streamSplit(text, fileName)];
}

/** A CRC-32 as checkpoints write it: 8 hex digits. */
const hex = (crc: number) => crc.toString(16).padStart(8, "0");

const encoder = new TextEncoder();
let lineBuffer = new Uint8Array(1 << 12);

/** One molecule's line in the data fingerprint, UTF-8 in a reused buffer (valid until the next call). */
function fingerprintLine(split: string, m: Molecule): Uint8Array {
  const line = `${split}|${m.id}|${m.symbols.join(",")}|${Array.from(m.coords).join(",")}|${m.properties?.join(",")}\n`;
  if (3 * line.length > lineBuffer.length) lineBuffer = new Uint8Array(3 * line.length);
  return lineBuffer.subarray(0, encoder.encodeInto(line, lineBuffer).written);
}

/** Checksum of the splits' content (ids, atoms, coordinates, properties) to tie checkpoints to their data. */
export function dataFingerprint(splits: Splits<Iterable<Molecule>>): string {
  function* lines(): Generator<Uint8Array> {
    for (const s of SPLIT_NAMES) for (const m of splits[s]) yield fingerprintLine(s, m);
  }
  return hex(crc32(lines()));
}

/**
 * Reads the splits (arrays, or streams that are read once) into compact stores, with their fingerprint. With
 * `orbitalDict` null the table is built in order of first appearance, train then val then test (method.md section
 * 2); otherwise it is the model's, and a molecule with an orbital type outside it is an error. Features (fields,
 * distances, true potentials) are computed when a batch needs them, the same values as featurising up front.
 */
export function prepareData(splits: Splits<Iterable<Molecule>>, field: Pick<QdfConfig, "basisSet" | "field" | "radius" | "gridInterval">,
                            orbitalDict: Record<string, number> | null, options: PrepareOptions = {}): PreparedData {
  const table: Record<string, number> = orbitalDict ? { ...orbitalDict } : {};
  const growing = new FieldContext({ ...field, orbitalDict: table }, orbitalDict === null);
  const stores = {} as Splits<MoleculeStore>;
  let outputs = -1;
  const seen = new Set<number>();
  // The fingerprint's lines are made as the molecules go by, so no split is ever held whole.
  function* ingest(): Generator<Uint8Array> {
    for (const name of SPLIT_NAMES) {
      for (const m of splits[name]) {
        const k = m.properties?.length ?? 0;
        if (outputs < 0) outputs = k;
        if (k !== outputs) {
          throw new Error(`${name}: molecule ${m.id} has ${k} property values, the first training molecule has ${outputs}`);
        }
        const problem = geometryProblem(m);
        if (problem) {
          const where = m.file === undefined ? "" : `${m.file}${m.line === undefined ? "" : `:${m.line}`}: `;
          throw new Error(`${name}: ${where}molecule ${m.id}: ${problem}`);
        }
        // The table grows (or is checked) by elements: only a molecule with an element not seen yet can change it.
        if (m.atomicNumbers.some((z) => !seen.has(z))) {
          moleculeOrbitals(m, growing.basis, table, growing.growTable);
          for (const z of m.atomicNumbers) seen.add(z);
        }
        (stores[name] ??= new MoleculeStore(outputs)).add(m);
        yield fingerprintLine(name, m);
      }
      stores[name] ??= new MoleculeStore(Math.max(outputs, 0));
    }
  }
  const fingerprint = hex(crc32(ingest()));
  if (stores.train.length === 0) throw new Error("train: no molecules");
  // The table is complete now; rows only ever grew by appending, so every molecule's indices are what they were.
  const ctx = new FieldContext({ ...field, orbitalDict: table });
  const set = (name: keyof Splits<unknown>) => new FeatureSet(stores[name], ctx, true, options.cacheBytes ?? 0);
  return { train: set("train"), val: set("val"), test: set("test"), outputs, orbitalDict: table, fingerprint };
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
