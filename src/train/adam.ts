// Adam with PyTorch 1.13's update rule and grad-lifecycle semantics, on plain float32 arrays mirrored into tf.Variables.
import * as tf from "#tfjs-core";
import { adamUpdate } from "../kernels/adam.js";
import { assignValues } from "../model/qdf.js";

export interface AdamOptions {
  beta1: number;
  beta2: number;
  eps: number;
}

export const ADAM_DEFAULTS: AdamOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** Per-parameter state: PyTorch keeps it only for parameters that have had a gradient. */
export interface AdamParamState {
  step: number;
  m: Float32Array;
  v: Float32Array;
}

const f = Math.fround;

/**
 * PyTorch's zero_grad() (set_to_none=False in 1.13) leaves a zero-filled .grad on every parameter that ever had
 * one, and Adam still updates those (moments decay, step count grows); parameters that never had a gradient are
 * skipped. So: `state.has(name)` <=> the parameter has had a gradient; a step without one uses zeros.
 */
export class Adam {
  readonly state = new Map<string, AdamParamState>();
  /** The parameters' values (float32), updated here and assigned to the variables each step (workers return these). */
  readonly values = new Map<string, Float32Array>();

  constructor(readonly params: Map<string, tf.Variable>, readonly options: AdamOptions = ADAM_DEFAULTS) {
    for (const [name, v] of params) values(this.values, name, v);
  }

  /**
   * One optimizer step. `grads` holds this step's gradients (absent: no gradient reached the parameter; it is
   * then zero if the parameter had a gradient before, else the parameter is skipped).
   */
  step(grads: Map<string, Float32Array>, lr: number): void {
    const { beta1, beta2, eps } = this.options;
    for (const [name, variable] of this.params) {
      const g = grads.get(name);
      let st = this.state.get(name);
      if (!st) {
        if (!g) continue;
        const n = variable.size;
        st = { step: 0, m: new Float32Array(n), v: new Float32Array(n) };
        this.state.set(name, st);
      }
      st.step++;
      // Scalars in float64 as PyTorch computes them in Python, then used as float32 by the kernels.
      const bc1 = 1 - beta1 ** st.step;
      const bc2Sqrt = Math.sqrt(1 - beta2 ** st.step);
      const p = this.values.get(name)!;
      // The kernel computes in f32 throughout, each operation rounded as PyTorch's float32 Adam kernel does.
      adamUpdate(p, g ?? null, st.m, st.v, {
        b1: f(beta1), a1: f(1 - beta1), b2: f(beta2), a2: f(1 - beta2), eps: f(eps), bc2: f(bc2Sqrt), stepSize: f(lr / bc1),
      });
      assignValues(variable, p);
    }
  }

  /** Takes a saved state (a checkpoint's, or a worker's) for weights already set in the variables. */
  load(state: Map<string, AdamParamState>): void {
    this.state.clear();
    for (const [name, st] of state) this.state.set(name, st);
    this.sync();
  }

  /** Reloads the mirrors from the variables (after weights were set from outside). */
  sync(): void {
    for (const [name, v] of this.params) values(this.values, name, v);
  }
}

function values(map: Map<string, Float32Array>, name: string, v: tf.Variable): void {
  map.set(name, (v.dataSync() as Float32Array).slice());
}
