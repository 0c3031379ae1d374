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
  /** Molecule m's atoms are atomCount[m] consecutive atoms of block atomBlock[m] from atomOffset[m]. */
  atomBlock: Uint32Array;
  atomOffset: Uint32Array;
  atomCount: Uint32Array;
  /** Fixed-size blocks of atomic numbers and coordinates (angstrom, f64 [atoms * 3], exactly as parsed). */
  atomicNumbers: Uint8Array[];
  coords: Float64Array[];
  /** K values per molecule, f64, exactly as parsed. */
  properties: Float64Array;
  outputs: number;
}

/** Atoms per block: memory grows a block (768 KiB of coordinates) at a time, never by copying what is stored. */
const BLOCK_ATOMS = 1 << 15;

/**
 * Molecules in flat arrays: about 25 bytes per atom plus the id, against ~0.4 MB per molecule of featurised fields
 * and distances. Atoms go into fixed-size blocks (no doubling copies); the per-molecule arrays (12 bytes, and 8 per
 * property value) double as they grow. molecule(i) gives back the very values that were added.
 */
export class MoleculeStore {
  private ids: string[] = [];
  private atomBlock: Uint32Array = new Uint32Array(1024);
  private atomOffset: Uint32Array = new Uint32Array(1024);
  private atomCount: Uint32Array = new Uint32Array(1024);
  private atomicNumbers: Uint8Array[] = [];
  private coords: Float64Array[] = [];
  private properties: Float64Array;
  /** Atoms used in the last block. */
  private used = BLOCK_ATOMS;

  constructor(readonly outputs: number) {
    this.properties = new Float64Array(1024 * Math.max(1, outputs));
  }

  static fromData(d: MoleculeStoreData): MoleculeStore {
    const s = new MoleculeStore(d.outputs);
    Object.assign(s, { ...d, used: BLOCK_ATOMS });
    return s;
  }

  get length(): number {
    return this.ids.length;
  }

  add(m: Molecule): void {
    const n = m.atomicNumbers.length, k = this.outputs, i = this.ids.length;
    if ((m.properties?.length ?? 0) !== k) throw new Error(`molecule ${m.id}: expected ${k} property values`);
    if (this.used + n > BLOCK_ATOMS) { // a new block (a molecule larger than a block gets one of its own size)
      const size = Math.max(BLOCK_ATOMS, n);
      this.atomicNumbers.push(new Uint8Array(size));
      this.coords.push(new Float64Array(3 * size));
      this.used = 0;
    }
    this.atomBlock = grow(this.atomBlock, i + 1);
    this.atomOffset = grow(this.atomOffset, i + 1);
    this.atomCount = grow(this.atomCount, i + 1);
    this.properties = grow(this.properties, k * (i + 1));
    const b = this.coords.length - 1;
    this.atomicNumbers[b]!.set(m.atomicNumbers, this.used);
    this.coords[b]!.set(m.coords, 3 * this.used);
    if (k > 0) this.properties.set(m.properties!, k * i);
    this.atomBlock[i] = b;
    this.atomOffset[i] = this.used;
    this.atomCount[i] = n;
    this.ids.push(m.id);
    this.used += n;
  }

  id(i: number): string {
    return this.ids[i]!;
  }

  nAtoms(i: number): number {
    return this.atomCount[i]!;
  }

  /** Molecule i as the parser gave it (fresh arrays). */
  molecule(i: number): Molecule {
    const b = this.atomBlock[i]!, a = this.atomOffset[i]!, n = this.atomCount[i]!, k = this.outputs;
    const atomicNumbers = Int32Array.from(this.atomicNumbers[b]!.subarray(a, a + n));
    const m: Molecule = {
      id: this.ids[i]!, symbols: Array.from(atomicNumbers, elementSymbol), atomicNumbers,
      coords: this.coords[b]!.slice(3 * a, 3 * (a + n)),
    };
    if (k > 0) m.properties = Array.from(this.properties.subarray(k * i, k * (i + 1)));
    return m;
  }

  /** The content as plain arrays (the blocks themselves, shared: cloning sends a copy). */
  data(): MoleculeStoreData {
    const n = this.length;
    return {
      ids: this.ids, atomBlock: this.atomBlock.subarray(0, n), atomOffset: this.atomOffset.subarray(0, n),
      atomCount: this.atomCount.subarray(0, n), atomicNumbers: this.atomicNumbers, coords: this.coords,
      properties: this.properties.subarray(0, this.outputs * n), outputs: this.outputs,
    };
  }
}

/** The array itself when it holds `need` elements, else a copy with room to spare (doubling: amortised O(1) adds). */
function grow<A extends Uint32Array | Float64Array>(a: A, need: number): A {
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
