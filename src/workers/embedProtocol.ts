// What crosses the thread boundary for embedding: SMILES records in, molecules or plain error records out.
import type { Molecule } from "../chem/molecule.js";
import type { EmbedOptions } from "../chem/embed.js";
import type { SmilesRecord } from "../chem/smiles.js";

/** A MoleculeParseError as plain data (structured clone keeps an Error's message only). */
export interface EmbedFailure { file: string; line: number; moleculeId: string | undefined; reason: string }

export type EmbedOutcome = { molecule: Molecule } | { failure: EmbedFailure };

/** The API an embedding worker exposes over Comlink. */
export interface EmbedWorkerApi {
  /** Loads openchemlib and its tables; resolves when the worker can embed. */
  init(options: EmbedOptions): Promise<void>;
  /** One outcome per record, in order; a record that fails is a failure, never a throw. */
  embedChunk(records: SmilesRecord[]): EmbedOutcome[];
}
