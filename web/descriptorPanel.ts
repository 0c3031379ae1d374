// The page's descriptor panel: each input molecule's quantum deep descriptor (as `qdf descriptor`) computed in
// workers, and with an accepted transfer head its property (as `qdf transfer predict`); shown compactly, downloaded
// as the CLI's TSV tables, the molecules without a value listed.
import { $, saveText } from "./dom.js";
import type { ParseItem } from "../src/chem/parse.js";
import { formatXyz } from "../src/chem/xyzWrite.js";
import { sha256Hex } from "../src/io/sha256.js";
import { descriptorNames, type DescriptorResult } from "../src/predict/descriptor.js";
import { descriptorTableHeader, descriptorTableRow } from "../src/predict/descriptorTable.js";
import type { ModelSummary } from "../src/predict/predictor.js";
import type { TransferHead } from "../src/transfer/head.js";
import { headPrediction, headTableHeader, headTableRow } from "../src/transfer/headTable.js";
import { DescriptorPool } from "../src/workers/descriptorPool.js";
import { DescriptorTable } from "./descriptorTable.js";
import type { PageInput } from "./pageInput.js";
import { TransferPanel } from "./transferPanel.js";


export interface PanelModel { name: string; bytes: Uint8Array; config: ModelSummary }

/** What the panel needs from the page: the chosen model (the first ticked), and one run at a time. */
export interface PanelHost {
  model(): PanelModel | null;
  isBusy(): boolean;
  setBusy(busy: boolean): void;
}

/** Model files' SHA-256, computed once per file's bytes (a head is checked against it). */
const hashes = new WeakMap<Uint8Array, string>();
function modelSha256(bytes: Uint8Array): string {
  let h = hashes.get(bytes);
  if (!h) hashes.set(bytes, (h = sha256Hex([bytes])));
  return h;
}


export class DescriptorPanel {
  private readonly root = $<HTMLFieldSetElement>("qdd");
  private readonly button = $<HTMLButtonElement>("describe");
  private readonly saveDescriptors = $<HTMLButtonElement>("descriptorDownload");
  private readonly saveHead = $<HTMLButtonElement>("headDownload");
  private readonly saveXyz = $<HTMLButtonElement>("xyzDownload");
  private readonly progress = $<HTMLProgressElement>("qddProgress");
  private readonly status = $<HTMLSpanElement>("qddStatus");
  private readonly failedList = $<HTMLUListElement>("qddFailed");
  private readonly table = new DescriptorTable($<HTMLTableElement>("qddTable"));
  private readonly transfer = new TransferPanel(() => this.headChanged());
  private pool: { bytes: Uint8Array; workers: number; pool: DescriptorPool } | null = null;
  /** The last run: the model it used and every input's result, in input order. */
  private run: { model: PanelModel; sha256: string; names: string[]; items: ParseItem[]; results: DescriptorResult[] } | null = null;
  private running = false;

  constructor(private readonly input: PageInput, private readonly host: PanelHost) {
    this.button.addEventListener("click", () => void this.describe());
    this.saveDescriptors.addEventListener("click", () => this.downloadDescriptors());
    this.saveHead.addEventListener("click", () => this.downloadHead());
    this.saveXyz.addEventListener("click", () => this.downloadXyz());
    this.refresh();
  }

  /** The chosen QDF model, or why there is none to describe with. */
  private chosen(): PanelModel | string {
    const m = this.host.model();
    if (!m) return "no model ticked";
    if (m.config.architecture === "gcn") return `${m.name} is a 3D GCN: the descriptor comes from a QDF model's wave function`;
    return m;
  }

  /** Buttons follow the page's state (one run at a time; downloads once there is something to save). */
  refresh(): void {
    const m = this.chosen(), head = this.transfer.accepted();
    this.button.disabled = this.host.isBusy() || typeof m === "string";
    this.button.textContent = head ? `Descriptors and ${head.target}` : "Descriptors";
    this.saveDescriptors.disabled = this.running || !this.run?.results.some((r) => r.descriptor);
    this.saveXyz.disabled = this.running || !this.run?.items.some((it) => "molecule" in it);
    this.saveHead.disabled = this.running || !this.runHead() || !this.run?.results.some((r) => r.descriptor);
  }

  /** The page's model selection changed: the head is checked against the new one. */
  modelChanged(): void {
    const m = this.chosen();
    this.transfer.setModel(typeof m === "string" ? null : { name: m.name, sha256: modelSha256(m.bytes) });
    this.headChanged();
  }

  /** The accepted head when it was fitted on the model of the last run (its descriptors are the head's input). */
  private runHead(): TransferHead | null {
    const head = this.transfer.accepted();
    return head && this.run && this.run.sha256 === head.model.sha256 ? head : null;
  }

  private headChanged(): void {
    if (this.run && !this.running) this.render();
    const head = this.transfer.accepted();
    if (head && this.run && !this.runHead()) {
      this.status.textContent = `the descriptors shown are ${this.run.model.name}'s: press the button to predict ${head.target}`;
    }
    this.refresh();
  }

  private async getPool(model: PanelModel, workers: number): Promise<DescriptorPool> {
    if (this.pool?.bytes !== model.bytes || this.pool.workers !== workers) {
      await this.pool?.pool.close();
      this.pool = { bytes: model.bytes, workers, pool: new DescriptorPool(model.bytes, { workers }) };
    }
    return this.pool.pool;
  }

  private setState(state: "busy" | "done" | "error"): void {
    this.root.dataset.state = state; // tests wait on this
  }

  async describe(): Promise<void> {
    const model = this.chosen();
    if (typeof model === "string" || this.host.isBusy()) return;
    this.running = true;
    this.host.setBusy(true);
    this.setState("busy");
    this.status.className = "";
    this.failedList.replaceChildren();
    try {
      const input = this.input.items();
      this.progress.max = input.length;
      const items = await this.input.embed(input, (done, total, smiles) => {
        this.progress.value = done;
        this.status.textContent = `building ${smiles} SMILES in 3D (openchemlib, MMFF94s): ${done} / ${total}`;
      });
      const workers = this.input.workers();
      const pool = await this.getPool(model, workers);
      const names = descriptorNames(model.config);
      const run = this.run = { model, sha256: modelSha256(model.bytes), names, items, results: [] as DescriptorResult[] };
      const head = this.runHead();
      this.table.start(names, head);
      this.progress.value = 0;
      const t0 = performance.now();
      for await (const r of pool.describeStream(items)) {
        this.table.add(run.results.length, r, head && headPrediction(head, r));
        run.results.push(r);
        this.progress.value = run.results.length;
        this.status.textContent = `descriptors ${run.results.length} / ${items.length}`;
      }
      const seconds = (performance.now() - t0) / 1000;
      this.status.textContent = `${run.results.length} molecules, ${names.length} values each (${model.name}), in ${seconds.toFixed(2)} s` +
        `${head ? `; ${head.target} predicted by the head` : ""}`;
      this.listFailed();
      this.setState("done");
    } catch (e) {
      await this.pool?.pool.close();
      this.pool = null;
      this.status.className = "error";
      this.status.textContent = (e as Error).message;
      this.setState("error");
    } finally {
      this.running = false;
      this.host.setBusy(false);
    }
  }

  /** The whole table again (a head accepted or dropped after the run). */
  private render(): void {
    const run = this.run!, head = this.runHead();
    this.table.start(run.names, head);
    run.results.forEach((r, i) => this.table.add(i, r, head && headPrediction(head, r)));
    this.listFailed();
  }

  /** Every molecule without a descriptor (so without a prediction): row, id and why (an element the model lacks...). */
  private listFailed(): void {
    const failed = this.run!.results.map((r, i) => ({ r, i })).filter(({ r }) => !r.descriptor);
    const head = this.runHead();
    const items = failed.map(({ r, i }) => {
      const li = document.createElement("li");
      li.dataset.id = r.id;
      li.textContent = `row ${i + 1}, ${r.id}: ${r.error ?? "no descriptor"}`;
      return li;
    });
    if (failed.length) {
      const li = document.createElement("li");
      li.className = "count";
      li.textContent = `${failed.length} of ${this.run!.results.length} molecules have no descriptor${head ? ` and no ${head.target}` : ""}:`;
      items.unshift(li);
    }
    this.failedList.replaceChildren(...items);
  }

  /** The table `qdf descriptor --model M INPUT` writes: same header, columns and digits. */
  private downloadDescriptors(): void {
    const run = this.run;
    if (!run) return;
    saveText("descriptors.tsv", descriptorTableHeader(run.names) + run.results.map((r) => descriptorTableRow(r, run.names)).join(""));
  }

  /** The molecules the last run described, in 3D, as `qdf embed --out FILE.xyz` writes them (SMILES as built here). */
  private downloadXyz(): void {
    const run = this.run;
    if (run) saveText("molecules.xyz", run.items.flatMap((it) => ("molecule" in it ? [formatXyz(it.molecule)] : [])).join(""));
  }

  /** The table `qdf transfer predict --head HEAD INPUT` writes. */
  private downloadHead(): void {
    const run = this.run, head = this.runHead();
    if (!run || !head) return;
    saveText(`predicted_${head.target}.tsv`, headTableHeader(head) + run.results.map((r) => headTableRow(head, r)).join(""));
  }
}
