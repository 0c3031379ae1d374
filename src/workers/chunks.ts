// Splits a stream of parser items into chunks for the workers; parse errors become results at once, in place.
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import { itemMolecule, parseErrorResult, type PredictionResult } from "../predict/result.js";

/** A run of consecutive inputs: the molecules to send, and where each result goes among the ready ones. */
export interface Chunk {
  /** Molecules for a worker, in input order. */
  molecules: Molecule[];
  /** Per input position: a finished result (a parse error) or null, filled from the worker's results in order. */
  slots: (PredictionResult | null)[];
}

/** Chunks of at most `size` inputs; lazy, so a big input is never held whole. */
export function* chunked(items: Iterable<Molecule | ParseItem>, size: number): Generator<Chunk> {
  let chunk: Chunk = { molecules: [], slots: [] };
  for (const item of items) {
    if ("error" in item) {
      chunk.slots.push(parseErrorResult(item));
    } else {
      chunk.molecules.push(itemMolecule(item));
      chunk.slots.push(null);
    }
    if (chunk.slots.length >= size) {
      yield chunk;
      chunk = { molecules: [], slots: [] };
    }
  }
  if (chunk.slots.length > 0) yield chunk;
}

/** The chunk's results in input order, given the worker's results for its molecules. */
export function assemble(chunk: Chunk, results: PredictionResult[]): PredictionResult[] {
  let next = 0;
  return chunk.slots.map((slot) => slot ?? results[next++]!);
}
