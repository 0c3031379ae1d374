// A dense layer act(x W^T + b) as one tfjs op with a hand-written gradient: the fused kernel forward even under a tape.
import * as tf from "@tensorflow/tfjs-core";

export type Activation = "relu" | "linear";

/**
 * tfjs-wasm's _FusedMatMul (rank 3) on x [N, in] and W^T [in, out]. Called as a kernel, not tf.fused.matMul, which
 * falls back to matMul + add + relu whenever a gradient tape is recording. W^T is explicit: the kernel's transposeB
 * with a bias gives wrong rows in tfjs-backend-wasm 4.22 (test/model/fusedMatMul.test.ts).
 */
export function fusedForward(x: tf.Tensor2D, weightT: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  const [n, k] = x.shape, out = weightT.shape[1];
  const y = tf.engine().runKernel("_FusedMatMul",
    { a: tf.reshape(x, [1, n, k]), b: tf.reshape(weightT, [1, k, out]), bias },
    { transposeA: false, transposeB: false, activation }) as tf.Tensor;
  return tf.reshape(y, [n, out]);
}

type Layout = "outIn" | "inOut";

function op(layout: Layout, activation: Activation) {
  return tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const y = fusedForward(x, layout === "outIn" ? tf.transpose(w) : w, b, activation);
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const g = activation === "relu" ? tf.mul(dy, tf.step(ys)) : dy;
        if (layout === "outIn") {
          // g^T serves twice: dW = g^T x and db (a ones-row matmul would repack the fresh g: ~8x slower than Sum).
          const gT = tf.transpose(g);
          return [tf.matMul(g, ws), tf.matMul(gT, xs), tf.sum(gT, 1)];
        }
        return [tf.matMul(g, tf.transpose(ws)), tf.matMul(tf.transpose(xs), g), tf.sum(g, 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
}

/**
 * act(x W^T + b) for x [N, in], W [out, in] (torch layout), b [out]. Gradient, with g = dy * (y > 0) for relu:
 * dx = g W, dW = g^T x, db = column sums of g. Explicit transposes: tfjs-wasm's matMul with a transpose flag is
 * ~10x slower.
 */
export function denseOp(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  return op("outIn", activation)(x, weight, bias) as tf.Tensor2D;
}

/** act(x A + b) for A [in, out] (a weight already transposed, or a product standing in for one). */
export function denseOpT(x: tf.Tensor2D, weightT: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  return op("inOut", activation)(x, weightT, bias) as tf.Tensor2D;
}
