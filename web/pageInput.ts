// The molecules the page's runs share: the pasted or chosen text parsed by the library, SMILES built in 3D in workers
// (openchemlib in an EmbedPool, with the CLI's --oligomer rule), the worker count.
import { $ } from "./dom.js";
import { iterateInputItems, type InputItem, type ParseItem } from "../src/chem/parse.js";
import { EmbedPool } from "../src/workers/embedPool.js";


/** Called while SMILES are built: items done of all, and how many of them are SMILES. */
export type EmbedProgress = (done: number, total: number, smiles: number) => void;

export class PageInput {
  private readonly text = $<HTMLTextAreaElement>("molecules");
  private readonly format = $<HTMLSelectElement>("format");
  private readonly workersInput = $<HTMLInputElement>("workers");
  private readonly oligomerInput = $<HTMLInputElement>("oligomer");
  /** Kept while the worker count and the embedding options stay (openchemlib loads once per worker). */
  private pool: { key: string; pool: EmbedPool } | null = null;

  constructor() {
    this.workersInput.value = String(Math.max(1, navigator.hardwareConcurrency || 2));
  }

  workers(): number {
    return Math.max(1, Math.floor(Number(this.workersInput.value) || 1));
  }

  /** Repeat units per chain for SMILES with two `*` (qdf --oligomer N; 1: every `*` becomes H). */
  oligomer(): number {
    const n = Number(this.oligomerInput.value || "1");
    if (!Number.isInteger(n) || n < 1 || n > 10000) throw new Error(`oligomer must be a whole number from 1 to 10000, got "${this.oligomerInput.value}"`);
    return n;
  }

  /** The name errors and the downloads' file column give the input: the chosen file's, else "input". */
  fileName(): string {
    return this.text.dataset.fileName ?? "input";
  }

  /** The input's items in order, SMILES still records (parse errors stay in place); throws when there are none. */
  items(): InputItem[] {
    const input = [...iterateInputItems(this.text.value, { fileName: this.fileName(), format: this.format.value as "auto" })];
    if (input.length === 0) throw new Error("no molecules: paste some or choose a file");
    return input;
  }

  /** The items with their SMILES built in 3D (in workers); molecules and errors stay in place. */
  async embed(input: InputItem[], progress: EmbedProgress): Promise<ParseItem[]> {
    const smiles = input.filter((it) => "record" in it).length;
    if (smiles === 0) return input as ParseItem[];
    const workers = this.workers(), oligomer = this.oligomer(), key = `${workers}|${oligomer}`;
    if (this.pool?.key !== key) {
      await this.pool?.pool.close();
      this.pool = { key, pool: new EmbedPool({ workers, oligomer }) };
    }
    const items: ParseItem[] = [];
    for await (const it of this.pool.pool.embedStream(input)) {
      items.push(it);
      progress(items.length, input.length, smiles);
    }
    return items;
  }
}
