// The descriptor table `qdf descriptor` writes and the web page downloads: identity columns, then one per descriptor value.
import type { DescriptorResult } from "./descriptor.js";

/** A descriptor value as text: 9 significant digits (more than the float32 stages carry); "" for none. */
export function descriptorValue(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(9))) : "";
}

/** A TSV cell: tabs and line breaks (which would break the row) become spaces. */
export const tsvCell = (s: string | undefined): string => (s ?? "").replace(/[\t\n\r]/g, " ");

/** The identity columns every descriptor row starts with. */
export const DESCRIPTOR_IDENTITY = ["file", "line", "id", "formula", "error"];

/** The header line: the identity columns, then the descriptor's names (none for the .npy side file). */
export function descriptorTableHeader(names: string[]): string {
  return [...DESCRIPTOR_IDENTITY, ...names].join("\t") + "\n";
}

/** A row's identity cells (file, line, id, formula, error), tab-joined. */
export function descriptorIdentity(r: DescriptorResult): string {
  return [tsvCell(r.file), r.line ?? "", tsvCell(r.id), r.formula ?? "", tsvCell(r.error)].join("\t");
}

/** One row: identity, then the values (empty cells where the molecule failed); `names` gives the column count. */
export function descriptorTableRow(r: DescriptorResult, names: string[]): string {
  return `${descriptorIdentity(r)}\t${(r.descriptor ?? names.map(() => NaN)).map(descriptorValue).join("\t")}\n`;
}
