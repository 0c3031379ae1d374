// Training molecules kept compact (ids, elements, coordinates, properties in flat arrays), featurised when a batch needs them.
import { elementSymbol } from "../chem/elements.js";
import type { Molecule } from "../chem/molecule.js";
import { featurize, type FieldContext, type MoleculeFeatures } from "../model/features.js";

/** What the trainer and its workers read a training set through: an array of features, or a FeatureSet. */
export interface FeatureSource extends Iterable<MoleculeFeatures> {
  readonly length: number;
  at(index: number): MoleculeFeatures | undefined;
}

/** A MoleculeStore's content as plain arrays (structured-cloneable: what a training worker receives). */
export interface MoleculeStoreData {
  ids: string[];
  /** Atom i of molecule m is atomStart[m] + i; atomStart has one entry more than there are molecules. */
  atomStart: Uint32Array;
  atomicNumbers: Uint8Array;
  /** Angstrom, f64 [atoms * 3], exactly as parsed. */
  coords: Float64Array;
  /** K values per molecule, f64, exactly as parsed. */
  properties: Float64Array;
  outputs: number;
}

/**
 * Molecules in a few growing flat arrays: about 25 bytes per atom plus the id, against ~0.4 MB per molecule of
 * featurised fields and distances. molecule(i) gives back the very values that were added.
 */
export class MoleculeStore {
  private ids: string[] = [];
  private atomStart: Uint32Array = new Uint32Array(1024);
  private atomicNumbers: Uint8Array = new Uint8Array(16 * 1024);
  private coords: Float64Array = new Float64Array(48 * 1024);
  private properties: Float64Array;
  private atoms = 0;

  constructor(readonly outputs: number) {
    this.properties = new Float64Array(1024 * Math.max(1, outputs));
  }

  static fromData(d: MoleculeStoreData): MoleculeStore {
    const s = new MoleculeStore(d.outputs);
    s.ids = d.ids;
    s.atomStart = d.atomStart;
    s.atomicNumbers = d.atomicNumbers;
    s.coords = d.coords;
    s.properties = d.properties;
    s.atoms = d.atomStart[d.ids.length]!;
    return s;
  }

  get length(): number {
    return this.ids.length;
  }

  add(m: Molecule): void {
    const n = m.atomicNumbers.length, k = this.outputs, i = this.ids.length;
    if ((m.properties?.length ?? 0) !== k) throw new Error(`molecule ${m.id}: expected ${k} property values`);
    this.atomStart = grow(this.atomStart, i + 2);
    this.atomicNumbers = grow(this.atomicNumbers, this.atoms + n);
    this.coords = grow(this.coords, 3 * (this.atoms + n));
    this.properties = grow(this.properties, k * (i + 1));
    this.atomicNumbers.set(m.atomicNumbers, this.atoms);
    this.coords.set(m.coords, 3 * this.atoms);
    if (k > 0) this.properties.set(m.properties!, k * i);
    this.ids.push(m.id);
    this.atoms += n;
    this.atomStart[i + 1] = this.atoms;
  }

  id(i: number): string {
    return this.ids[i]!;
  }

  nAtoms(i: number): number {
    return this.atomStart[i + 1]! - this.atomStart[i]!;
  }

  /** Molecule i as the parser gave it (fresh arrays). */
  molecule(i: number): Molecule {
    const a = this.atomStart[i]!, b = this.atomStart[i + 1]!, k = this.outputs;
    const atomicNumbers = Int32Array.from(this.atomicNumbers.subarray(a, b));
    const m: Molecule = {
      id: this.ids[i]!, symbols: Array.from(atomicNumbers, elementSymbol), atomicNumbers,
      coords: this.coords.slice(3 * a, 3 * b),
    };
    if (k > 0) m.properties = Array.from(this.properties.subarray(k * i, k * (i + 1)));
    return m;
  }

  /** The content trimmed to size, as plain arrays. */
  data(): MoleculeStoreData {
    const n = this.length;
    return {
      ids: this.ids, atomStart: this.atomStart.slice(0, n + 1), atomicNumbers: this.atomicNumbers.slice(0, this.atoms),
      coords: this.coords.slice(0, 3 * this.atoms), properties: this.properties.slice(0, this.outputs * n), outputs: this.outputs,
    };
  }
}

/** The array itself when it holds `need` elements, else a copy with room to spare (doubling: amortised O(1) adds). */
function grow<A extends Uint32Array | Uint8Array | Float64Array>(a: A, need: number): A {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => A)(Math.max(need, 2 * a.length));
  b.set(a);
  return b;
}

/** Bytes a molecule's features occupy (what the cache counts). */
function featureBytes(f: MoleculeFeatures): number {
  return f.field.byteLength + f.dist.byteLength + f.q.byteLength + f.orbitalIndex.byteLength + (f.potential?.byteLength ?? 0);
}

/**
 * A split's molecules, featurised on demand (field points, distances, and with `withPotential` the true potential:
 * the same arrays featurize gives, so training is unchanged bit for bit). Up to `cacheBytes` of features are kept,
 * least recently used dropped first, so memory is bounded whatever the dataset's size; 0 keeps none.
 */
export class FeatureSet implements FeatureSource {
  private readonly cache = new Map<number, MoleculeFeatures>();
  private cached = 0;

  constructor(readonly store: MoleculeStore, private readonly ctx: FieldContext, readonly withPotential = true,
              readonly cacheBytes = 0) {}

  get length(): number {
    return this.store.length;
  }

  id(i: number): string {
    return this.store.id(i);
  }

  at(i: number): MoleculeFeatures | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const hit = this.cache.get(i);
    if (hit) {
      this.cache.delete(i); // re-inserted: Map order is recency order
      this.cache.set(i, hit);
      return hit;
    }
    const f = featurize(this.store.molecule(i), this.ctx, this.withPotential);
    const bytes = featureBytes(f);
    if (bytes <= this.cacheBytes) {
      for (const [j, old] of this.cache) {
        if (this.cached + bytes <= this.cacheBytes) break;
        this.cache.delete(j);
        this.cached -= featureBytes(old);
      }
      this.cache.set(i, f);
      this.cached += bytes;
    }
    return f;
  }

  /** Features of molecules start..end-1 (as Array.slice). */
  slice(start = 0, end = this.length): MoleculeFeatures[] {
    const out: MoleculeFeatures[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i)!);
    return out;
  }

  *[Symbol.iterator](): Iterator<MoleculeFeatures> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
}

/** What a training worker receives for its training set: the compact store (or, from older callers, features). */
export type TrainSetMessage = { store: MoleculeStoreData; withPotential: boolean } | MoleculeFeatures[];

export function trainSetMessage(train: FeatureSource): TrainSetMessage {
  return train instanceof FeatureSet ? { store: train.store.data(), withPotential: train.withPotential } : [...train];
}

/** The worker's side of trainSetMessage, featurising with the worker's own model context. */
export function trainSetFrom(message: TrainSetMessage, ctx: FieldContext): FeatureSource {
  return Array.isArray(message) ? message : new FeatureSet(MoleculeStore.fromData(message.store), ctx, message.withPotential);
}
