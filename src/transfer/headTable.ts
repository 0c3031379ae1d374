// What `qdf transfer predict` and the web page share about a head: the base-model check and the prediction table.
import type { DescriptorResult } from "../predict/descriptor.js";
import { descriptorValue, tsvCell } from "../predict/descriptorTable.js";
import { applyHead, type TransferHead } from "./head.js";

/**
 * Why the head cannot be used with a model (null when it can): it was fitted on another model's descriptor, told by
 * the SHA-256 of the model file's bytes (sha256Hex). The text names both files and both hashes.
 */
export function headModelMismatch(head: TransferHead, headName: string, modelName: string, modelSha256: string): string | null {
  if (modelSha256 === head.model.sha256) return null;
  return `${headName} was fitted on ${head.model.file} (SHA-256 ${head.model.sha256}), not on ${modelName} (SHA-256 ${modelSha256})`;
}

/** The prediction table's header: file, line, id, formula, predicted_<target>, error. */
export function headTableHeader(head: TransferHead): string {
  return ["file", "line", "id", "formula", `predicted_${head.target}`, "error"].join("\t") + "\n";
}

/** The head's prediction from a descriptor result (undefined when the molecule has no descriptor). */
export function headPrediction(head: TransferHead, r: DescriptorResult): number | undefined {
  return r.descriptor ? applyHead(head, r.descriptor) : undefined;
}

/** One molecule's row: its identity, the head's prediction (9 significant digits; empty when it failed), the error. */
export function headTableRow(head: TransferHead, r: DescriptorResult): string {
  const value = headPrediction(head, r);
  return [tsvCell(r.file), r.line ?? "", tsvCell(r.id), r.formula ?? "", value === undefined ? "" : descriptorValue(value), tsvCell(r.error)].join("\t") + "\n";
}
