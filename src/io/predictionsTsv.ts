// The prediction table as TSV: id, predicted value(s), and true value(s) with absolute errors when known.
import type { PredictionResult } from "../predict/result.js";

/** Header row for K outputs, with or without true values. */
export function tsvHeader(outputs: number, withTrue: boolean): string {
  const cols = (name: string) => (outputs === 1 ? [name] : Array.from({ length: outputs }, (_, k) => `${name}_${k + 1}`));
  return ["id", ...cols("predicted"), ...(withTrue ? [...cols("true"), ...cols("abs_error")] : [])].join("\t") + "\n";
}

/** One row; numbers printed in full (shortest round-trip form of the float32 value). */
export function tsvRow(r: PredictionResult, withTrue: boolean): string {
  if (!r.predicted) throw new Error(`no prediction for ${r.id}`);
  const cells = [r.id, ...r.predicted.map(String)];
  if (withTrue) {
    const t = r.true ?? [];
    cells.push(...r.predicted.map((_, k) => (t[k] === undefined ? "" : String(t[k]))));
    cells.push(...r.predicted.map((p, k) => (t[k] === undefined ? "" : String(Math.abs(p - t[k]!)))));
  }
  return cells.join("\t") + "\n";
}

/** The unit in a property name's trailing parentheses: "atomization energy (eV)" -> "eV". */
export function propertyUnit(property: string): string {
  return /\(([^()]*)\)\s*$/.exec(property)?.[1] ?? "";
}
