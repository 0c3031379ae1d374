// A dense layer act(x W^T + b) as one tfjs op with a hand-written gradient: the fused kernel forward even under a tape.
import * as tf from "#tfjs-core";
import { customOp } from "./customOp.js";
import { columnSumsT, reluGradT, transposeT } from "../kernels/tensorKernels.js";
import { fusedMatMul, type Activation } from "../kernels/tfjsWasmHeap.js";

interface OpKind {
  activation: Activation;
  /** Output the column sums of act(...) times this factor, [1, out] (a molecule's readout), not the rows. */
  readoutScale?: number;
}

/**
 * Gradient, with g = dy * (y > 0) for relu (dy one broadcast row for a readout): dx = g W, dW = g^T x, db = column
 * sums of g. Transposes, column sums and the relu mask run in qdf's SIMD kernels on tfjs's heap (tfjs-wasm's own
 * Transpose and axis-0 Sum are 3-10x slower); transpose flags on tfjs-wasm's matMul would be ~10x slower still.
 */
function op(kind: OpKind) {
  return customOp((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const y = fusedMatMul(x, transposeT(w), b, kind.activation);
    save([x, w, y]);
    const value = kind.readoutScale === undefined ? y : tf.mul(columnSumsT(y), kind.readoutScale);
    return {
      value,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        let g = kind.readoutScale === undefined ? dy : tf.mul(dy, kind.readoutScale) as tf.Tensor2D;
        if (kind.activation === "relu") g = reluGradT(g, ys); // (a readout is always relu: g becomes full rows here)
        return [tf.matMul(g, ws), tf.matMul(transposeT(g), xs), tf.reshape(columnSumsT(g), [ys.shape[1]])];
      },
    };
  });
}

/** act(x W^T + b) for x [N, in], W [out, in] (torch layout), b [out]. */
export function denseOp(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  return op({ activation })(x, weight, bias) as tf.Tensor2D;
}

/** scale * column sums of relu(x W^T + b), [1, out]: a last functional layer and its molecule's readout in one op. */
export function denseReluReadout(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D, scale: number): tf.Tensor2D {
  return op({ activation: "relu", readoutScale: scale })(x, weight, bias) as tf.Tensor2D;
}
