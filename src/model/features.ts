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

export interface MoleculeFeatures {
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
  /** Distances from field points to orbital centres, f32 [nField * nOrb]. */
  dist: Float32Array;
  nElectrons: number;
  /** Property values (targets), when the input had them. */
  properties?: number[];
  /** External potential V at the field points, f32 [nField], when asked for (training). */
  potential?: Float32Array;
}

/**
 * Field, distances and orbital indices for one molecule (throws UnknownOrbitalError for unseen elements). The
 * molecule is centred on its centroid first, in float64: everything downstream (distances rounded to float32, the
 * potential) then sees the same numbers wherever the molecule was placed.
 */
export function featurize(input: Molecule, ctx: FieldContext, withPotential = false): MoleculeFeatures {
  const origin = centroid(input.coords);
  const m: Molecule = { ...input, coords: shifted(input.coords, origin) };
  const orbitals = moleculeOrbitals(m, ctx.basis, ctx.config.orbitalDict, ctx.growTable);
  const field = fieldPoints(m.coords, ctx.template);
  const nField = field.length / 3;
  const f: MoleculeFeatures = {
    id: m.id,
    nAtoms: m.atomicNumbers.length,
    nField,
    origin,
    field,
    orbitalIndex: orbitals.index,
    q: orbitals.q,
    centres: orbitals.centres,
    dist: distances(field, orbitals.centres),
    nElectrons: electronCount(m),
  };
  if (m.properties) f.properties = m.properties;
  if (withPotential) f.potential = externalPotential(field, m.coords, Float64Array.from(m.atomicNumbers));
  return f;
}
