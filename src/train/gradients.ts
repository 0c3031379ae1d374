// Gradient rules for the tfjs kernels recorded on training's tapes (the heavy layers are single ops with their own gradients): tfjs-core's Node bundle ships none (its register_all_gradients is ESM without extensions, unloadable in Node).
import * as tf from "#tfjs-core";

type T = tf.Tensor;
type Attrs = Record<string, unknown>;
type Rule = (dy: T, saved: T[], attrs: Attrs) => Record<string, () => T> | (() => T)[];

const bu = tf.backend_util;

/** Sums a broadcast gradient back to the input's shape (the same reduction tfjs-core's own rules do). */
function unbroadcast(g: T, shape: number[], outShape: number[]): T {
  const axes = bu.getReductionAxes(shape, outShape);
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
  ["Add", ["a", "b"], (dy, [a, b]) => {
    const out = bu.assertAndGetBroadcastShape(a!.shape, b!.shape);
    return { a: () => unbroadcast(dy, a!.shape, out), b: () => unbroadcast(dy, b!.shape, out) };
  }],
  ["Concat", "all", (dy, saved, { axis }) => {
    const ax = tf.util.parseAxisParam(axis as number, saved[0]!.shape)[0]!;
    return tf.split(dy, saved.map((t) => t.shape[ax]!), ax).map((t) => () => t);
  }],
  ["Reshape", ["x"], (dy, [x]) => ({ x: () => tf.reshape(dy, x!.shape) })],
  // Transpose and Relu: for plain-op references in tests (test/model/hkIntervals.test.ts); training records neither.
  ["Transpose", [], (dy, _s, { perm }) => ({ x: () => tf.transpose(dy, bu.getUndoAxesPermutation(perm as number[])) })],
  ["Relu", ["x"], (dy, [x]) => ({ x: () => tf.mul(dy, tf.step(x!)) })],
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
