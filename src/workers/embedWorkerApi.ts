// The embedding worker's body, shared by the Node and browser entries: one openchemlib instance per worker.
import { Embedder } from "../chem/embed.js";
import type { EmbedOptions } from "../chem/embed.js";
import type { SmilesRecord } from "../chem/smiles.js";
import type { EmbedOutcome, EmbedWorkerApi } from "./embedProtocol.js";

let embedder: Embedder | null = null;

export const embedWorkerApi: EmbedWorkerApi = {
  async init(options: EmbedOptions): Promise<void> {
    embedder = await Embedder.load(options);
  },

  embedChunk(records: SmilesRecord[]): EmbedOutcome[] {
    const e = embedder;
    if (!e) throw new Error("worker has no embedder: init() first");
    return records.map((r) => {
      const item = e.embed(r);
      if ("molecule" in item) return item;
      const { file, line, moleculeId, reason } = item.error;
      return { failure: { file, line, moleculeId, reason } };
    });
  },
};
