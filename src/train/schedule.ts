// Step learning-rate decay per epoch (PyTorch's StepLR stepped once per epoch).

export interface StepSchedule {
  lr: number;
  decay: number;
  /** Epochs between decays. */
  every: number;
}

/** Learning rate used during epoch `epoch` (0-based): lr * decay^floor(epoch / every). */
export function learningRate(s: StepSchedule, epoch: number): number {
  // StepLR multiplies the previous rate in float64 each time; a power gives the same value for these few steps.
  let lr = s.lr;
  for (let k = 0; k < Math.floor(epoch / s.every); k++) lr *= s.decay;
  return lr;
}
