// openchemlib's ConformerGenerator without its thread-wide rigid-fragment cache, so a conformer depends only on SMILES and seed.
import type { ConformerGenerator } from "openchemlib";
import type { OpenChemLib } from "./openchemlib.js";

/*
 * Why: openchemlib-js's `new ConformerGenerator(seed)` hands rigid fragments (a ring, a C=O with its neighbours) out
 * of RigidFragmentCache.getDefaultInstance(), one cache per thread. The first molecule that holds a fragment stores
 * the coordinates the self-organiser made for it in that molecule; later molecules take them from there instead of
 * making their own, so a SMILES's conformer depended on what its thread had embedded before (CCC(C)=O moves by 1.2 A
 * after CC(=O)CC#C; 34 of the first 300 QM9 val SMILES differ between forward and reverse order). The JS API has no
 * option for the cache, so the provider's field that holds it is found by its shape and set to null: openchemlib then
 * makes every fragment afresh (its RigidFragmentProvider uses the cache only when the field is not null).
 */

/** Property path from a JS ConformerGenerator to its RigidFragmentProvider's cache field, per openchemlib module. */
const cacheSlots = new WeakMap<object, readonly [string, string, string]>();

/**
 * The path is found once: it leads, three objects down, to the one object two fresh generators share (the default
 * cache; each generator has its own Random and provider). Anything else means openchemlib's layout changed.
 */
function cacheSlot(ocl: OpenChemLib): readonly [string, string, string] {
  const known = cacheSlots.get(ocl);
  if (known) return known;
  const a = new ocl.ConformerGenerator(1) as unknown as Record<string, unknown>;
  const b = new ocl.ConformerGenerator(2) as unknown as Record<string, unknown>;
  const objects = (o: unknown): [string, Record<string, unknown>][] =>
    o !== null && typeof o === "object" ? Object.entries(o as Record<string, unknown>).flatMap(([k, v]) =>
      v !== null && typeof v === "object" ? [[k, v as Record<string, unknown>]] : []) : [];
  const found: [string, string, string][] = [];
  for (const [k1, a1] of objects(a)) {
    for (const [k2, a2] of objects(a1)) {
      for (const [k3, a3] of objects(a2)) {
        const b3 = (b[k1] as Record<string, Record<string, unknown>> | undefined)?.[k2]?.[k3];
        if (a3 === b3 && typeof (a3 as { clear?: unknown }).clear === "function") found.push([k1, k2, k3]);
      }
    }
  }
  if (found.length !== 1) {
    throw new Error(`openchemlib ${ocl.version}: cannot find the ConformerGenerator's shared rigid-fragment cache `
      + `(${found.length} candidates); embedding would depend on what was embedded before`);
  }
  cacheSlots.set(ocl, found[0]!);
  return found[0]!;
}

/** A seeded generator that neither reads nor fills the thread's rigid-fragment cache. */
export function seededConformerGenerator(ocl: OpenChemLib, seed: number): ConformerGenerator {
  const [k1, k2, k3] = cacheSlot(ocl);
  const generator = new ocl.ConformerGenerator(seed);
  ((generator as unknown as Record<string, Record<string, Record<string, unknown>>>)[k1]![k2]!)[k3] = null;
  return generator;
}
