// Gradient rules for the tfjs kernels training uses: tfjs-core's Node bundle ships none (its register_all_gradients is ESM without extensions, unloadable in Node).
import * as tf from "@tensorflow/tfjs-core";

type T = tf.Tensor;
type Attrs = Record<string, unknown>;
type Rule = (dy: T, saved: T[], attrs: Attrs) => Record<string, () => T> | (() => T)[];

const bu = tf.backend_util;

/** Sums a broadcast gradient back to the input's shape (the same reduction tfjs-core's own rules do). */
function unbroadcast(g: T, shape: number[], outShape: number[]): T {
  const axes = bu.getReductionAxes(shape, outShape);
  // A bias gradient (sum over the rows of a matrix): a ones-row matmul is ~6x faster than Sum over axis 0 in tfjs-wasm.
  if (g.rank === 2 && axes.length === 1 && axes[0] === 0) return tf.reshape(tf.matMul(tf.ones([1, g.shape[0]!]), g), shape);
  return axes.length > 0 ? tf.reshape(tf.sum(g, axes), shape) : g;
}

function expandLike(dy: T, x: T, axis: unknown): T {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const shape = x.shape.slice();
  for (const a of axes) shape[a] = 1;
  return tf.mul(tf.reshape(dy, shape), tf.ones(x.shape, "float32"));
}

const rules: [string, string[] | "all", Rule, boolean?][] = [
  ["Mean", ["x"], (dy, [x], { axis }) => {
    const n = tf.util.parseAxisParam(axis as number, x!.shape).reduce((a, ax) => a * x!.shape[ax]!, 1);
    return { x: () => tf.div(expandLike(dy, x!, axis), n) };
  }],
  ["Sum", ["x"], (dy, [x], { axis }) => ({ x: () => expandLike(dy, x!, axis) })],
  ["SquaredDifference", ["a", "b"], (dy, [a, b]) => ({
    a: () => tf.mul(dy, tf.mul(2, tf.sub(a!, b!))),
    b: () => tf.mul(dy, tf.mul(2, tf.sub(b!, a!))),
  })],
  ["Square", ["x"], (dy, [x]) => ({ x: () => tf.mul(dy, tf.mul(x!, 2)) })],
  ["Sqrt", ["x"], (dy, [x]) => ({ x: () => tf.div(dy, tf.mul(tf.sqrt(x!), 2)) })],
  ["Abs", ["x"], (dy, [x]) => ({ x: () => tf.mul(dy, tf.step(x!, -1)) })],
  ["Pow", ["a", "b"], (dy, [a, b]) => {
    const out = bu.assertAndGetBroadcastShape(a!.shape, b!.shape);
    return {
      a: () => {
        const e = tf.cast(b!, "float32");
        // x^2 (tf.norm's square) needs no Pow, which is slow in tfjs-wasm.
        const isSquare = b!.size === 1 && b!.dataSync()[0] === 2;
        return unbroadcast(tf.mul(dy, isSquare ? tf.mul(a!, 2) : tf.mul(e, tf.pow(a!, tf.sub(e, 1)))), a!.shape, out);
      },
      b: () => tf.zerosLike(b!), // exponents here are constants
    };
  }],
  ["Maximum", ["a", "b"], (dy, [a, b]) => ({
    a: () => tf.mul(dy, tf.cast(tf.greaterEqual(a!, b!), "float32")),
    b: () => tf.mul(dy, tf.cast(tf.less(a!, b!), "float32")),
  })],
  ["RealDiv", ["a", "b"], (dy, [a, b]) => {
    const out = bu.assertAndGetBroadcastShape(a!.shape, b!.shape);
    return {
      a: () => unbroadcast(tf.div(dy, b!), a!.shape, out),
      b: () => tf.neg(tf.div(unbroadcast(tf.mul(dy, a!), b!.shape, out), tf.square(b!))),
    };
  }],
  ["Multiply", ["a", "b"], (dy, [a, b]) => {
    const out = bu.assertAndGetBroadcastShape(a!.shape, b!.shape);
    return { a: () => unbroadcast(tf.mul(dy, b!), a!.shape, out), b: () => unbroadcast(tf.mul(dy, a!), b!.shape, out) };
  }],
  ["Sub", ["a", "b"], (dy, [a, b]) => {
    const out = bu.assertAndGetBroadcastShape(a!.shape, b!.shape);
    return { a: () => unbroadcast(dy, a!.shape, out), b: () => tf.neg(unbroadcast(dy, b!.shape, out)) };
  }],
  ["Add", ["a", "b"], (dy, [a, b]) => {
    const out = bu.assertAndGetBroadcastShape(a!.shape, b!.shape);
    return { a: () => unbroadcast(dy, a!.shape, out), b: () => unbroadcast(dy, b!.shape, out) };
  }],
  ["Concat", "all", (dy, saved, { axis }) => {
    const ax = tf.util.parseAxisParam(axis as number, saved[0]!.shape)[0]!;
    return tf.split(dy, saved.map((t) => t.shape[ax]!), ax).map((t) => () => t);
  }],
  ["SplitV", [], (dy, _s, { axis }) => ({ x: () => tf.concat(dy as unknown as T[], axis as number) })],
  ["Pack", "all", (dy, _s, { axis }) => tf.unstack(dy, axis as number).map((t) => () => t)],
  ["Reshape", ["x"], (dy, [x]) => ({ x: () => tf.reshape(dy, x!.shape) })],
  ["Transpose", [], (dy, _s, { perm }) => ({ x: () => tf.transpose(dy, bu.getUndoAxesPermutation(perm as number[])) })],
  ["Relu", ["x"], (dy, [x]) => ({ x: () => tf.mul(dy, tf.step(x!)) })],
  ["Cast", [], (dy) => ({ x: () => dy.clone() })],
  ["Identity", [], (dy) => ({ x: () => dy.clone() })],
  ["GatherV2", ["x", "indices"], (dy, [x, indices], { axis }) => {
    // Rows only (axis 0, no batch dims): the scatter-add of dy into x's rows.
    if (tf.util.parseAxisParam(axis as number, x!.shape)[0] !== 0) throw new Error("GatherV2 gradient: only axis 0");
    return {
      x: () => scatterAddRows(dy, indices!, x!.shape),
      indices: () => indices!,
    };
  }],
  ["BatchMatMul", ["a", "b"], (dy, [a, b], { transposeA, transposeB }) => {
    // Explicit transposes: tfjs-wasm 4.22's matMul with a transpose flag runs ~10x slower than transpose + matMul.
    const t = (x: T) => tf.transpose(x, x.rank === 3 ? [0, 2, 1] : [1, 0]);
    const mm = (x: T, y: T) => tf.matMul(x, y);
    if (!transposeA && !transposeB) return { a: () => mm(dy, t(b!)), b: () => mm(t(a!), dy) };
    if (!transposeA && transposeB) return { a: () => mm(dy, b!), b: () => mm(t(dy), a!) };
    if (transposeA && !transposeB) return { a: () => mm(b!, t(dy)), b: () => mm(a!, dy) };
    return { a: () => mm(t(b!), t(dy)), b: () => mm(t(dy), t(a!)) };
  }],
];

/** Rows of dy added into a zero tensor of `shape` at `indices` (tfjs-wasm has no UnsortedSegmentSum; the tables are small). */
function scatterAddRows(dy: T, indices: T, shape: number[]): T {
  const width = shape.slice(1).reduce((a, b) => a * b, 1);
  const g = dy.dataSync() as Float32Array, idx = indices.dataSync() as Int32Array;
  const out = new Float32Array(shape[0]! * width);
  for (let r = 0; r < idx.length; r++) {
    const dst = idx[r]! * width, src = r * width;
    for (let j = 0; j < width; j++) out[dst + j]! += g[src + j]!;
  }
  return tf.tensor(out, shape);
}

let registered = false;

/** Registers the rules once (kernels that already have a gradient keep theirs). */
export function registerTrainingGradients(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, inputs, gradFunc] of rules) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({
      kernelName,
      ...(inputs === "all" ? { saveAllInputs: true } : { inputsToSave: inputs }),
      gradFunc: gradFunc as unknown as tf.GradConfig["gradFunc"],
    });
  }
}
