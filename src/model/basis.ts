// The basis stage: Gaussian-type atomic orbitals on the field, columns normalised, as a taped op and in plain arrays.
import * as tf from "@tensorflow/tfjs-core";
import { customOp } from "./customOp.js";
import { basisValues, basisZetaGrad, type BasisValues } from "../kernels/basis.js";
import type { MoleculeFeatures } from "./features.js";

/** The molecule's orbitals' exponents, from the model's table (one per orbital type). */
export function orbitalZeta(f: MoleculeFeatures, zetaTable: Float32Array): Float32Array {
  return Float32Array.from(f.orbitalIndex, (row) => zetaTable[row]!);
}

/** Frozen: normalised basis values f32 [nField * nOrb] and the columns' norms, from the exponent table's values. */
export function basisFrozen(f: MoleculeFeatures, zetaTable: Float32Array): BasisValues {
  return basisValues(f.dist, f.q, orbitalZeta(f, zetaTable), f.nField);
}

/**
 * Taped: basis matrix B [nField, nOrb] from the exponent table zeta [nTypes, 1] (the model's parameter), by the same
 * SIMD kernel as the frozen form; its gradient with respect to zeta comes from the kernel too, added into the rows
 * of the molecule's orbital types.
 */
export function basisMatrix(f: MoleculeFeatures, zetaTable: tf.Tensor2D): tf.Tensor2D {
  const nOrb = f.q.length;
  const op = customOp((table: tf.Tensor2D) => {
    const values = basisFrozen(f, table.dataSync() as Float32Array);
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
