// Which architecture a model file holds (metadata "architecture": absent or "qdf" for QDF, "gcn" for the 3D GCN).
import { ModelFileError } from "../model/modelFile.js";
import { ATOMREF_KEY, parseAtomref, type Atomref } from "../chem/atomref.js";

export type Architecture = "qdf" | "gcn";

/** The safetensors header's metadata, read without touching the tensors (a bad file: ModelFileError). */
export function modelMetadata(bytes: Uint8Array): Record<string, string> {
  const fail = (why: string): never => { throw new ModelFileError(`not a valid safetensors file: ${why}`); };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const len = view.getUint32(0, true);
  if (view.getUint32(4, true) !== 0 || len > bytes.length - 8) fail(`header length goes beyond the end of the file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + len)));
  } catch (e) {
    fail(`header is not valid JSON: ${(e as Error).message}`);
  }
  const meta = (header as Record<string, unknown> | null)?.__metadata__;
  if (meta === undefined) return {};
  if (typeof meta !== "object" || meta === null) fail(`"__metadata__" is not an object`);
  return Object.fromEntries(Object.entries(meta as object).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

export function modelArchitecture(meta: Record<string, string>): Architecture {
  const a = meta.architecture ?? "qdf";
  if (a !== "qdf" && a !== "gcn") throw new ModelFileError(`metadata "architecture" is ${JSON.stringify(a)}; this qdf reads "qdf" and "gcn"`);
  return a;
}

/** Refuses a GCN file where a QDF model is needed (density, descriptor: both come from the wave function). */
export function requireQdf(meta: Record<string, string>): void {
  if (modelArchitecture(meta) === "gcn") {
    throw new ModelFileError(`the model is a GCN (metadata architecture "gcn"), which has no wave function; this needs a QDF model`);
  }
}

/** The model's per-element reference energies, when it was trained with --atomref fit. */
export function modelAtomref(meta: Record<string, string>, outputs: number): Atomref | undefined {
  const text = meta[ATOMREF_KEY];
  if (text === undefined) return undefined;
  try {
    return parseAtomref(text, outputs);
  } catch (e) {
    throw new ModelFileError((e as Error).message);
  }
}
