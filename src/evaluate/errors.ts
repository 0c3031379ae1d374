// Error statistics of predictions against true values: overall and per atom count (the extrapolation view).
import type { PredictionResult } from "../predict/result.js";

export interface ErrorStats {
  /** Molecules counted (each contributes all its K outputs to the means). */
  n: number;
  mae: number;
  rmse: number;
  /** Mean signed error, predicted - true: a bias that MAE hides. */
  mse: number;
}

/** Accumulates signed errors; stats() gives the means (NaN when empty). */
export class ErrorAccumulator {
  private molecules = 0;
  private values = 0;
  private abs = 0;
  private sq = 0;
  private signed = 0;

  add(predicted: readonly number[], truth: readonly number[]): void {
    this.molecules++;
    predicted.forEach((p, k) => {
      const e = p - truth[k]!;
      this.values++;
      this.abs += Math.abs(e);
      this.sq += e * e;
      this.signed += e;
    });
  }

  stats(): ErrorStats {
    const v = this.values;
    return { n: this.molecules, mae: this.abs / v, rmse: Math.sqrt(this.sq / v), mse: this.signed / v };
  }
}

export interface ModelErrors {
  overall: ErrorStats;
  /** By atom count, ascending. */
  bySize: { atoms: number; stats: ErrorStats }[];
  /** Molecules without both a prediction and true values (failed, or no property line). */
  skipped: number;
}

/** Overall and per-atom-count statistics of the results that have a prediction and true values. */
export function modelErrors(results: Iterable<PredictionResult>): ModelErrors {
  const all = new ErrorAccumulator();
  const bins = new Map<number, ErrorAccumulator>();
  let skipped = 0;
  for (const r of results) {
    if (!r.predicted || !r.true) { skipped++; continue; }
    all.add(r.predicted, r.true);
    let bin = bins.get(r.nAtoms);
    if (!bin) bins.set(r.nAtoms, (bin = new ErrorAccumulator()));
    bin.add(r.predicted, r.true);
  }
  const bySize = [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([atoms, acc]) => ({ atoms, stats: acc.stats() }));
  return { overall: all.stats(), bySize, skipped };
}
