// The page's results table: a row per input molecule, in input order, with units in the header, errors and warnings.
import type { PredictionResult } from "../src/predict/result.js";


export interface TableUnit {
  /** Printed unit ("eV"; "" when the model names none). */
  unit: string;
  /** A value in the model's unit -> cell text in the printed unit (io/units.ts formatValue). */
  format(v: number): string;
}

/** The header cells: [class, text]; classes let whole columns hide (table.no-true .c-true). */
function header(u: TableUnit): [string, string][] {
  const s = u.unit ? ` (${u.unit})` : "";
  return [["c-n", "#"], ["c-file", "file"], ["c-id", "id"], ["c-formula", "formula"], ["c-atoms", "atoms"],
    ["c-pred", `predicted${s}`], ["c-std", `std${s}`], ["c-true", `true${s}`], ["c-err", `|error|${s}`], ["c-notes", "warnings / error"]];
}

export class ResultsTable {
  private readonly body: HTMLTableSectionElement;

  constructor(private readonly table: HTMLTableElement, private readonly onSelect: (index: number) => void) {
    this.body = table.tBodies[0] ?? table.createTBody();
    table.addEventListener("click", (e) => {
      const tr = (e.target as Element).closest("tr[data-index]") as HTMLTableRowElement | null;
      if (tr) onSelect(Number(tr.dataset.index));
    });
  }

  /** Empties the table and writes the header for this run's unit. */
  start(u: TableUnit): void {
    const row = document.createElement("tr");
    for (const [cls, text] of header(u)) {
      const th = document.createElement("th");
      th.className = cls;
      th.textContent = text;
      row.appendChild(th);
    }
    this.table.tHead!.replaceChildren(row);
    this.body.replaceChildren();
    this.table.className = "";
  }

  /** One row; full-precision values ride along in data-values (tests compare those with the CLI). */
  add(index: number, r: PredictionResult, u: TableUnit): void {
    const tr = document.createElement("tr");
    tr.dataset.index = String(index);
    tr.dataset.id = r.id;
    const cell = (cls: string, text: string, values?: number[]) => {
      const td = document.createElement("td");
      td.className = cls;
      td.textContent = text;
      if (values) td.dataset.values = values.join(" ");
      tr.appendChild(td);
      return td;
    };
    const list = (v: number[] | undefined) => (v ? v.map(u.format).join(" ") : "");
    const p = r.error ? undefined : r.predicted, t = r.true;
    const errs = p && t ? p.map((v, k) => Math.abs(v - t[k]!)) : undefined;
    cell("c-n", String(index + 1));
    cell("c-file", r.file === undefined ? "" : `${r.file}${r.line === undefined ? "" : `:${r.line}`}`);
    cell("c-id", r.id);
    cell("c-formula", r.formula ?? "");
    cell("c-atoms", r.nAtoms ? String(r.nAtoms) : "");
    const pred = cell("c-pred", list(p), p);
    if (p && r.members) pred.title = r.members.map((m, i) => `model ${i + 1}: ${list(m)}`).join("\n");
    cell("c-std", list(p && r.std), p && r.std);
    cell("c-true", list(t), t);
    cell("c-err", list(errs), errs);
    const notes = cell("c-notes", "");
    if (r.error || !r.predicted) {
      notes.classList.add("error");
      notes.textContent = r.error ?? "no prediction";
      tr.classList.add("failed");
    } else if (r.warnings?.length) {
      notes.classList.add("warn");
      notes.textContent = r.warnings.join("; ");
      tr.classList.add("warned");
    }
    this.body.appendChild(tr);
  }

  /** Hides the columns this run has nothing for (no true values, no ensemble, one input, no formulas). */
  finish(results: PredictionResult[]): void {
    const none = (f: (r: PredictionResult) => unknown) => !results.some(f);
    this.table.classList.toggle("no-true", none((r) => r.true));
    this.table.classList.toggle("no-std", none((r) => r.std));
    this.table.classList.toggle("no-formula", none((r) => r.formula));
    this.table.classList.toggle("no-file", new Set(results.map((r) => r.file ?? "")).size <= 1);
  }

  /** Marks the selected row and scrolls it into view. */
  select(index: number | null): void {
    for (const tr of Array.from(this.body.rows)) {
      const on = tr.dataset.index === String(index);
      tr.classList.toggle("selected", on);
      if (on) tr.scrollIntoView({ block: "nearest" });
    }
  }
}
