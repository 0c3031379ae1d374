// The molecule input every command shares: files by format (QDF, xyz, SDF, SMILES, CSV), SMILES embedded in 3D.
import { contentName, readText } from "../node/textFile.js";
import { availableParallelism } from "node:os";
import { Embedder, type EmbedOptions } from "../chem/embed.js";
import { embedItems, iterateInputItems, resolveFormat, SMILES_FORMATS, type MoleculeFormat, type ParseOptions } from "../chem/parse.js";
import type { ParseItem } from "../chem/parseError.js";
import { EmbedPool } from "../workers/embedPool.js";
import { choiceOption, INPUT_FORMATS, numberOption, type Parsed } from "./args.js";

/** The options spec entries of molecule input (merged into each command's own). */
export const inputOptionSpec = {
  format: { type: "string" as const, default: "auto" },
  "smiles-column": { type: "string" as const },
  "id-column": { type: "string" as const },
  oligomer: { type: "string" as const },
  seed: { type: "string" as const },
};

/** Help lines for those options. */
export const inputOptionHelp = `
  --format F          input format: auto (by extension: .xyz, .sdf/.mol, .smi, .csv; else by content), qdf, xyz, sdf,
                      smiles or csv; default auto
  --smiles-column C   CSV input: the column with SMILES (default "smiles")
  --id-column C       CSV input: the id column (default: a column named id, name or *_id, else <file>#<line>)
  --oligomer N        SMILES with two * attachment points: embed a chain of N repeat units, ends capped with H;
                      default 1 (every * becomes H)
  --seed S            conformer seed for SMILES (default 1): the same SMILES and seed give the same coordinates`;

export interface InputSettings {
  parse: Omit<ParseOptions, "fileName" | "embedder">;
  embed: EmbedOptions;
}

/** The input settings from parsed options. */
export function inputSettings(values: Parsed["values"]): InputSettings {
  const format = choiceOption(values, "format", INPUT_FORMATS, "auto");
  const parse: InputSettings["parse"] = { format };
  if (typeof values["smiles-column"] === "string") parse.smilesColumn = values["smiles-column"];
  if (typeof values["id-column"] === "string") parse.idColumn = values["id-column"];
  return {
    parse,
    embed: {
      oligomer: numberOption(values, "oligomer", 1, { integer: true, min: 1, max: 10000 }),
      seed: numberOption(values, "seed", 1, { integer: true, min: -(2 ** 31), max: 2 ** 32 - 1 }),
    },
  };
}

export interface ReadOptions {
  /** Embedding workers for SMILES (0: this thread); default one per core. */
  workers?: number;
  /** Extra parse options (e.g. property columns). */
  parse?: Partial<ParseOptions>;
}

/** One input file's text (gunzipped from FILE.gz) and the name errors use ("-" is stdin). */
export function readInput(path: string): { fileName: string; text: string } {
  return { fileName: path === "-" ? "<stdin>" : path, text: readText(path) };
}

/**
 * Streams the molecules (and parse errors) of the inputs in order. SMILES are embedded in a pool of workers, or in
 * this thread with workers 0; openchemlib is loaded only when an input holds SMILES.
 */
export async function* readMolecules(paths: string[], settings: InputSettings, options: ReadOptions = {}): AsyncGenerator<ParseItem> {
  const workers = options.workers ?? availableParallelism();
  let embedder: Embedder | null = null;
  let pool: EmbedPool | null = null;
  try {
    for (const path of paths) {
      const { fileName, text } = readInput(path);
      const parse: ParseOptions = { ...settings.parse, ...options.parse, fileName };
      // FILE.xyz.gz is detected as FILE.xyz; its rows and errors still name the file given.
      const format: MoleculeFormat = resolveFormat(text, { ...parse, fileName: contentName(fileName) });
      const items = iterateInputItems(text, { ...parse, format });
      if (!SMILES_FORMATS.includes(format)) {
        yield* items as Generator<ParseItem>;
      } else if (workers === 0) {
        embedder ??= await Embedder.load(settings.embed);
        yield* embedItems(items, embedder);
      } else {
        pool ??= new EmbedPool({ ...settings.embed, workers });
        yield* pool.embedStream(items);
      }
    }
  } finally {
    await pool?.close();
  }
}

/** Groups a stream into arrays of at most n (so a sync consumer, like a prediction pool, can take each in turn). */
export async function* batches<T>(items: AsyncIterable<T>, n: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= n) { yield batch; batch = []; }
  }
  if (batch.length > 0) yield batch;
}
