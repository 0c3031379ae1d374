// The prediction table (`qdf predict`, training's val/test predictions, the web page's download): TSV, CSV or JSONL.
import type { PredictionResult } from "../predict/result.js";
import { formatValue, roundValue, type OutputUnit } from "./units.js";

export type TableFormat = "tsv" | "csv" | "jsonl";
export const TABLE_FORMATS: readonly TableFormat[] = ["tsv", "csv", "jsonl"];

/** What decides the columns: outputs, unit, whether true values are given, ensemble size. */
export interface TableLayout {
  /** K: values per molecule. */
  outputs: number;
  /** The printed unit, its conversion and rounding (predict/units.ts outputUnit). */
  unit: OutputUnit;
  /** true_* and abs_error_* columns. */
  withTrue: boolean;
  /** Models in the ensemble (default 1); more than one adds std_* and the per-model model<i>_* columns. */
  models?: number;
}

/**
 * Column names, in order: file, line, id, atoms, formula, predicted, [std], [true, abs_error], [model1..M], error,
 * warnings. Value columns carry the unit ("predicted_eV"; "/" becomes "_": "predicted_kcal_mol"), and K > 1
 * outputs number them before it: predicted_1_eV .. predicted_K_eV.
 */
export function tableColumns(layout: TableLayout): string[] {
  const suffix = layout.unit.unit ? `_${layout.unit.unit.replace(/\//g, "_")}` : "";
  const K = layout.outputs, M = layout.models ?? 1;
  const values = (name: string) => (K === 1 ? [`${name}${suffix}`] : Array.from({ length: K }, (_, k) => `${name}_${k + 1}${suffix}`));
  return [
    "file", "line", "id", "atoms", "formula",
    ...values("predicted"),
    ...(M > 1 ? values("std") : []),
    ...(layout.withTrue ? [...values("true"), ...values("abs_error")] : []),
    ...(M > 1 ? Array.from({ length: M }, (_, i) => values(`model${i + 1}`)).flat() : []),
    "error", "warnings",
  ];
}

/** A predicted, true or derived value in the model's unit: converted and rounded only when written. */
interface Value { value: number }
/** One row's cells: integers (line, atoms), strings, string lists (warnings), values, or null for an empty cell. */
type Cell = number | string | string[] | Value | null;

function rowCells(r: PredictionResult, layout: TableLayout): Cell[] {
  const K = layout.outputs, M = layout.models ?? 1;
  const value = (v: number | undefined): Cell => (v === undefined ? null : { value: v });
  const each = (vs: (number | undefined)[] | undefined): Cell[] => Array.from({ length: K }, (_, k) => value(vs?.[k]));
  const p = r.predicted, t = r.true;
  return [
    r.file ?? null, r.line ?? null, r.id, r.nAtoms > 0 ? r.nAtoms : null, r.formula || null,
    ...each(p),
    ...(M > 1 ? each(r.std) : []),
    ...(layout.withTrue ? [...each(t), ...each(p && t ? p.map((v, k) => (t[k] === undefined ? undefined : Math.abs(v - t[k]!))) : undefined)] : []),
    ...(M > 1 ? Array.from({ length: M }, (_, i) => each(r.members?.[i])).flat() : []),
    r.error || null,
    r.warnings ?? [],
  ];
}

/** A TSV cell: tabs and line breaks (which would break the row) become spaces. */
const tsvCell = (s: string) => s.replace(/[\t\r\n]+/g, " ");
/** A CSV cell (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces; quotes doubled. */
const csvCell = (s: string) => (/[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The header line ("" for JSONL, whose objects name their fields). */
export function tableHeader(layout: TableLayout, format: TableFormat = "tsv"): string {
  if (format === "jsonl") return "";
  const cols = tableColumns(layout);
  return (format === "csv" ? cols.map(csvCell).join(",") : cols.join("\t")) + "\n";
}

/**
 * One molecule's line. Values are in the layout's unit, rounded as predict/units.ts says; an empty cell is empty
 * (JSONL: null); warnings are joined with "; " (JSONL: an array of strings).
 */
export function tableRow(r: PredictionResult, layout: TableLayout, format: TableFormat = "tsv"): string {
  const cells = rowCells(r, layout);
  const isValue = (c: Cell): c is Value => typeof c === "object" && c !== null && !Array.isArray(c);
  if (format === "jsonl") {
    const json = cells.map((c) => (isValue(c) ? roundValue(c.value, layout.unit) : c));
    return JSON.stringify(Object.fromEntries(tableColumns(layout).map((name, i) => [name, json[i]]))) + "\n";
  }
  const text = cells.map((c) =>
    c === null ? "" : Array.isArray(c) ? c.join("; ") : isValue(c) ? formatValue(c.value, layout.unit) : String(c));
  return (format === "csv" ? text.map(csvCell).join(",") : text.map(tsvCell).join("\t")) + "\n";
}
