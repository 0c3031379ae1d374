// Per-molecule inputs of the network: field points, orbital distances, electron count and the true potential.
import { parseBasisSet, type BasisSetShape } from "../chem/basisSet.js";
import { electronCount, type Molecule } from "../chem/molecule.js";
import { distances } from "../kernels/basis.js";
import { fieldPoints, sphereTemplate } from "../kernels/field.js";
import { externalPotential } from "../kernels/potential.js";
import type { QdfConfig } from "./config.js";
import { moleculeOrbitals } from "./orbitals.js";
import { centroid, shifted } from "../chem/geometryChecks.js";

/** What featurising needs from a model: its basis, grid and orbital table. */
export class FieldContext {
  readonly basis: BasisSetShape;
  readonly template: Float64Array;
  constructor(readonly config: Pick<QdfConfig, "basisSet" | "field" | "radius" | "gridInterval" | "orbitalDict">,
              readonly growTable = false) {
    this.basis = parseBasisSet(config.basisSet);
    // The atoms field is the template {origin} translated to every nucleus: the field points are the nuclei.
    this.template = config.field === "atoms" ? Float64Array.of(0, 0, 0) : sphereTemplate(config.radius, config.gridInterval);
  }
}

/** A molecule's field and orbitals: everything but the [nField x nOrb] distances (prediction's basis needs none). */
export interface FieldFeatures {
  id: string;
  nAtoms: number;
  /** Number of field points (nAtoms x template size). */
  nField: number;
  /** Where the molecule's centroid was in the input frame (angstrom): field and centres are relative to it. */
  origin: [number, number, number];
  /** Field points, f64 [nField * 3], relative to `origin`. */
  field: Float64Array;
  /** Orbital rows in the model's tables, i32 [nOrb]. */
  orbitalIndex: Int32Array;
  /** Quantum numbers, f32 [nOrb]. */
  q: Float32Array;
  /** Orbital centres (their atoms' coordinates relative to `origin`), f64 [nOrb * 3], angstrom. */
  centres: Float64Array;
  /** The nuclei relative to `origin`, f64 [nAtoms * 3], angstrom; orbital o sits on nucleus orbitalAtom[o]. */
  nuclei: Float64Array;
  orbitalAtom: Int32Array;
  nElectrons: number;
  /** Property values (targets), when the input had them. */
  properties?: number[];
  /** Distances from field points to orbital centres, f32 [nField * nOrb], when computed up front (training). */
  dist?: Float32Array;
}

export interface MoleculeFeatures extends FieldFeatures {
  /** Distances from field points to orbital centres, f32 [nField * nOrb]. */
  dist: Float32Array;
  /** External potential V at the field points, f32 [nField], when asked for (training). */
  potential?: Float32Array;
}

/**
 * Field and orbital indices for one molecule (throws UnknownOrbitalError for unseen elements), linear in its size.
 * The molecule is centred on its centroid first, in float64: everything downstream (distances rounded to float32,
 * the potential) then sees the same numbers wherever the molecule was placed.
 */
export function featurizeField(input: Molecule, ctx: FieldContext): FieldFeatures {
  const origin = centroid(input.coords);
  const m: Molecule = { ...input, coords: shifted(input.coords, origin) };
  const orbitals = moleculeOrbitals(m, ctx.basis, ctx.config.orbitalDict, ctx.growTable);
  const field = fieldPoints(m.coords, ctx.template);
  const f: FieldFeatures = {
    id: m.id,
    nAtoms: m.atomicNumbers.length,
    nField: field.length / 3,
    origin,
    field,
    orbitalIndex: orbitals.index,
    q: orbitals.q,
    centres: orbitals.centres,
    nuclei: m.coords,
    orbitalAtom: orbitals.atom,
    nElectrons: electronCount(m),
  };
  if (m.properties) f.properties = m.properties;
  return f;
}

/** featurizeField with the distances of every field point to every orbital centre (and V when asked for: training). */
export function featurize(input: Molecule, ctx: FieldContext, withPotential = false): MoleculeFeatures {
  const f: MoleculeFeatures = { ...featurizeField(input, ctx), dist: new Float32Array(0) };
  f.dist = distances(f.field, f.centres);
  if (withPotential) {
    f.potential = externalPotential(f.field, f.nuclei, Float64Array.from(input.atomicNumbers));
  }
  return f;
}
