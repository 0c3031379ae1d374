// The descriptor panel's table: a row per input molecule with the descriptor's scalar columns, its hidden-layer part
// as a strip, and the transfer head's prediction when a head is accepted; full values ride along in data-values.
import type { DescriptorResult } from "../src/predict/descriptor.js";
import type { TransferHead } from "../src/transfer/head.js";

/** A value as the table shows it: 4 significant digits (the download has 9). */
const short = (x: number) => String(Number(x.toPrecision(4)));

/** The hidden layer's columns (hsum_*, hmean_*): shown as a strip, not as numbers. */
const isHidden = (name: string) => /^h(sum|mean)_/.test(name);

export class DescriptorTable {
  private readonly body: HTMLTableSectionElement;
  private scalars: number[] = [];
  private means: number[] = [];

  constructor(private readonly table: HTMLTableElement) {
    this.body = table.tBodies[0] ?? table.createTBody();
  }

  /** Empties the table and writes the header for a descriptor of these columns (and the head's target, if any). */
  start(names: string[], head: TransferHead | null): void {
    this.scalars = names.flatMap((n, j) => (isHidden(n) ? [] : [j]));
    this.means = names.flatMap((n, j) => (n.startsWith("hmean_") ? [j] : []));
    const row = document.createElement("tr");
    const th = (cls: string, text: string, title?: string) => {
      const c = Object.assign(document.createElement("th"), { className: cls, textContent: text });
      if (title) c.title = title;
      row.appendChild(c);
    };
    th("c-n", "#");
    th("c-id", "id");
    th("c-formula", "formula");
    if (head) th("c-head", `${head.target}${head.units ? ` (${head.units})` : ""}`, "the transfer head's prediction");
    for (const j of this.scalars) th("c-scalar", names[j]!);
    th("c-strip", `hmean (${this.means.length})`, "the functional's last hidden layer averaged over the field: a bar per unit, scaled to the row's largest");
    th("c-notes", "error");
    this.table.tHead!.replaceChildren(row);
    this.body.replaceChildren();
  }

  /** One molecule's row; `predicted` is the head's value (undefined: no head, or no descriptor). */
  add(index: number, r: DescriptorResult, predicted: number | undefined | null): void {
    const tr = document.createElement("tr");
    tr.dataset.index = String(index);
    tr.dataset.id = r.id;
    const cell = (cls: string, text: string) => {
      const td = Object.assign(document.createElement("td"), { className: cls, textContent: text });
      tr.appendChild(td);
      return td;
    };
    const d = r.descriptor;
    if (d) tr.dataset.values = d.join(" ");
    cell("c-n", String(index + 1));
    cell("c-id", r.id);
    cell("c-formula", r.formula ?? "");
    if (this.table.tHead!.querySelector("th.c-head")) {
      const td = cell("c-head", predicted == null ? "" : short(predicted));
      if (predicted != null) td.dataset.value = String(predicted);
    }
    for (const j of this.scalars) cell("c-scalar", d ? short(d[j]!) : "");
    const strip = cell("c-strip", "");
    if (d) strip.appendChild(this.strip(d));
    const notes = cell("c-notes", r.error ?? "");
    if (r.error) { notes.classList.add("error"); tr.classList.add("failed"); }
    this.body.appendChild(tr);
  }

  /** hmean as bars above (positive) and below (negative) a midline, scaled to the row's largest magnitude. */
  private strip(d: number[]): HTMLCanvasElement {
    const c = Object.assign(document.createElement("canvas"), { width: this.means.length, height: 16 });
    const g = c.getContext("2d");
    const top = Math.max(1e-30, ...this.means.map((j) => Math.abs(d[j]!)));
    if (g) {
      this.means.forEach((j, x) => {
        const v = d[j]! / top, h = Math.max(1, Math.round(Math.abs(v) * 8));
        g.fillStyle = v >= 0 ? "#2b7bba" : "#c0504d";
        g.fillRect(x, v >= 0 ? 8 - h : 8, 1, h);
      });
    }
    return c;
  }
}
