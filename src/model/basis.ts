// The basis stage: Gaussian-type atomic orbitals on the field, columns normalised, as a taped op and in plain arrays.
import * as tf from "#tfjs-core";
import { customOp } from "./customOp.js";
import {
  addBasisSquaresFromPoints, basisGroupSumsFromPoints, basisValues, basisValuesFromPoints, basisValuesFromPointsWithNorms,
  basisZetaGrad,
  type BasisValues, type OrbitalSites,
} from "../kernels/basis.js";
import type { FieldFeatures, MoleculeFeatures } from "./features.js";

/** The molecule's orbitals' exponents, from the model's table (one per orbital type). */
export function orbitalZeta(f: FieldFeatures, zetaTable: Float32Array): Float32Array {
  return Float32Array.from(f.orbitalIndex, (row) => zetaTable[row]!);
}

/** Field points start..end-1 and the nuclei the orbitals sit on, as the from-points kernels read them. */
function sites(f: FieldFeatures, start = 0, end = f.nField): OrbitalSites {
  return { points: f.field.subarray(3 * start, 3 * end), centres: f.nuclei, centreOf: f.orbitalAtom };
}

/**
 * Frozen: normalised basis values f32 [nField * nOrb] and the columns' norms, from the exponent table's values,
 * straight from the field points (the taped form's values from the distances, bit for bit).
 */
export function basisFrozen(f: FieldFeatures, zetaTable: Float32Array): BasisValues {
  return basisValuesFromPoints(sites(f), f.q, orbitalZeta(f, zetaTable));
}

/**
 * Frozen: basisFrozen's values with the columns of each orbital type summed, f32 [nField * types]
 * (lcao.ts, orbitalTypes: B S, whose product with the types' coefficient rows is B C).
 */
export function typeBasisFrozen(f: FieldFeatures, zetaTable: Float32Array, typeOf: Int32Array, types: number): Float32Array {
  return basisGroupSumsFromPoints(sites(f), f.q, orbitalZeta(f, zetaTable), typeOf, types);
}

/**
 * Frozen, in chunks of field points: the basis columns' norms over the whole field, f32 [nOrb] (unfloored), the
 * same float32 sums in the same order as basisFrozen's, so the same norms bit for bit. `zeta`: orbitalZeta's.
 */
export function basisNormsInChunks(f: FieldFeatures, zeta: Float32Array, chunkRows: number): Float32Array {
  const sumsq = new Float32Array(f.q.length);
  for (let start = 0; start < f.nField; start += chunkRows) {
    const end = Math.min(f.nField, start + chunkRows);
    addBasisSquaresFromPoints(sites(f, start, end), f.q, zeta, sumsq);
  }
  return sumsq.map(Math.sqrt);
}

/** Frozen: rows start..end-1 of basisFrozen's values, f32 [(end - start) * nOrb], given the whole field's norms. */
export function basisRowsFrozen(f: FieldFeatures, zeta: Float32Array, norms: Float32Array, start: number, end: number): Float32Array {
  return basisValuesFromPointsWithNorms(sites(f, start, end), f.q, zeta, norms);
}

/**
 * Taped: basis matrix B [nField, nOrb] from the exponent table zeta [nTypes, 1] (the model's parameter), from the
 * distances its gradient needs anyway (the frozen form's values bit for bit); its gradient with respect to zeta comes
 * from a kernel too, added into the rows of the molecule's orbital types.
 */
export function basisMatrix(f: MoleculeFeatures, zetaTable: tf.Tensor2D): tf.Tensor2D {
  const nOrb = f.q.length;
  const op = customOp((table: tf.Tensor2D) => {
    const values = basisValues(f.dist, f.q, orbitalZeta(f, table.dataSync() as Float32Array), f.nField);
    return {
      value: tf.tensor2d(values.values, [f.nField, nOrb]),
      gradFunc: (dy: tf.Tensor) => {
        const grad = basisZetaGrad(f.dist, values, dy.dataSync() as Float32Array, f.nField);
        const out = new Float32Array(table.size);
        f.orbitalIndex.forEach((row, i) => (out[row]! += grad[i]!));
        return tf.tensor2d(out, table.shape);
      },
    };
  });
  return op(zetaTable) as tf.Tensor2D;
}

/** The basis matrix as a tensor from plain exponents (no gradient: prediction with tfjs ops, analysis). */
export function basisMatrixConst(f: MoleculeFeatures, zetaTable: Float32Array): tf.Tensor2D {
  return tf.tensor2d(basisFrozen(f, zetaTable).values, [f.nField, f.q.length]);
}
