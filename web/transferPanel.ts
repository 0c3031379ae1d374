// The page's transfer head: a head file from `qdf transfer fit` loaded, checked against the chosen model's SHA-256
// (refused, naming both hashes, when it was fitted on another model), and its target, units and fold scores shown.
import { $ } from "./dom.js";
import { parseHead, type TransferHead } from "../src/transfer/head.js";
import { headModelMismatch } from "../src/transfer/headTable.js";


/** A score as the page prints it: 4 significant digits. */
const score = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : "-");

export class TransferPanel {
  private readonly file = $<HTMLInputElement>("headFile");
  private readonly status = $<HTMLDivElement>("headStatus");
  private readonly info = $<HTMLDivElement>("headInfo");
  private loaded: { name: string; head: TransferHead } | null = null;
  /** The model the head was last checked against: its name and SHA-256 (null: no model). */
  private model: { name: string; sha256: string } | null = null;

  constructor(private readonly onChange: () => void) {
    this.file.addEventListener("change", async () => {
      const f = this.file.files?.[0];
      if (f) this.load(f.name, await f.text());
    });
  }

  /** Reads a head file's text; a bad file is shown as an error and no head stays loaded. */
  load(name: string, text: string): void {
    try {
      this.loaded = { name, head: parseHead(text, name) };
    } catch (e) {
      this.loaded = null;
      this.info.replaceChildren();
      this.show((e as Error).message, "error");
      this.onChange();
      return;
    }
    this.render();
    this.onChange();
  }

  /** The chosen model changed (null: none, or one without a descriptor). */
  setModel(model: { name: string; sha256: string } | null): void {
    this.model = model;
    if (this.loaded) this.render();
  }

  /** The loaded head when the chosen model is the one it was fitted on; else null. */
  accepted(): TransferHead | null {
    const h = this.loaded?.head;
    return h && this.model && this.model.sha256 === h.model.sha256 ? h : null;
  }

  /** The loaded head's target (to label the run button), accepted or not. */
  target(): string | null {
    return this.loaded?.head.target ?? null;
  }

  /** The head line; its state (tests wait on it): accepted, refused (another model, or none), error (a bad file). */
  private show(text: string, state: "accepted" | "refused" | "error"): void {
    this.status.textContent = text;
    this.status.className = state === "accepted" ? "" : "error";
    this.status.dataset.state = state;
  }

  private render(): void {
    const { name, head } = this.loaded!;
    const mismatch = this.model && headModelMismatch(head, name, this.model.name, this.model.sha256);
    if (!this.model) this.show(`${name}: choose a QDF model to check it against (the head needs ${head.model.file}, SHA-256 ${head.model.sha256})`, "refused");
    else if (mismatch) this.show(`refused: ${mismatch}; tick that model (or add its file) to use this head`, "refused");
    else this.show(`${name}: fitted on ${head.model.file}, the chosen model (SHA-256 ${head.model.sha256}); the run predicts ${head.target}`, "accepted");
    this.info.replaceChildren(this.summary(head), this.folds(head));
  }

  /** Target, units, the data it was fitted on and the pooled cross-validated scores. */
  private summary(head: TransferHead): HTMLElement {
    const p = document.createElement("p");
    const u = head.units ? ` ${head.units}` : "";
    const skipped = head.data.skipped.length;
    p.id = "headSummary";
    p.textContent = `target ${head.target}${head.units ? ` (${head.units})` : " (no units)"}; ridge on ${head.features.length} descriptor columns ` +
      `(penalty ${score(head.ridge.lambda)}), fitted on ${head.data.rows} rows of ${head.data.file}` +
      (skipped ? ` (${skipped} skipped)` : "") + `; ${head.cv.k}-fold cross-validation: MAE ${score(head.cv.pooled.mae)}${u}, ` +
      `RMSE ${score(head.cv.pooled.rmse)}${u}, R\u00b2 ${score(head.cv.pooled.r2)}`;
    p.dataset.target = head.target;
    p.dataset.units = head.units;
    return p;
  }

  /** The fold scores as a small table (the same numbers as the head file's cv.folds). */
  private folds(head: TransferHead): HTMLTableElement {
    const t = document.createElement("table");
    t.id = "headFolds";
    t.className = "small";
    const row = (cells: string[], tag: "th" | "td") => {
      const tr = document.createElement("tr");
      for (const c of cells) tr.appendChild(Object.assign(document.createElement(tag), { textContent: c }));
      return tr;
    };
    const u = head.units ? ` (${head.units})` : "";
    t.createTHead().appendChild(row(["fold", "rows", `MAE${u}`, `RMSE${u}`, "R\u00b2", "penalty"], "th"));
    const body = t.createTBody();
    head.cv.folds.forEach((f, i) => body.appendChild(row([String(i + 1), String(f.n), score(f.mae), score(f.rmse), score(f.r2), score(f.lambda)], "td")));
    const p = head.cv.pooled;
    body.appendChild(row(["pooled", String(head.cv.folds.reduce((s, f) => s + f.n, 0)), score(p.mae), score(p.rmse), score(p.r2), ""], "td"));
    return t;
  }
}
