// The evaluation table as TSV: one row per model and bin ("all", then each atom count), with n, MAE, RMSE, mean signed error.
import type { ErrorStats, ModelErrors } from "./errors.js";

export interface NamedErrors {
  name: string;
  errors: ModelErrors;
}

const HEADER = ["model", "atoms", "n", "MAE", "RMSE", "mean_signed_error"];

function row(name: string, atoms: string, s: ErrorStats): string {
  return [name, atoms, s.n, s.mae, s.rmse, s.mse].join("\t") + "\n";
}

/** The TSV: per model its overall row, then (with bySize) one row per atom count. */
export function errorsTsv(models: NamedErrors[], bySize: boolean): string {
  let out = HEADER.join("\t") + "\n";
  for (const { name, errors } of models) {
    out += row(name, "all", errors.overall);
    if (bySize) for (const b of errors.bySize) out += row(name, String(b.atoms), b.stats);
  }
  return out;
}

/** The same figures as a Markdown table: models as rows, MAE per atom count as columns (n in the header). */
export function maeMarkdown(models: NamedErrors[], digits = 4): string {
  const sizes = [...new Set(models.flatMap((m) => m.errors.bySize.map((b) => b.atoms)))].sort((a, b) => a - b);
  const count = (atoms: number) => Math.max(0, ...models.map((m) => m.errors.bySize.find((b) => b.atoms === atoms)?.stats.n ?? 0));
  const head = ["model", "all", ...sizes.map((s) => `${s} atoms (n=${count(s)})`)];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const { name, errors } of models) {
    const cells = sizes.map((s) => {
      const b = errors.bySize.find((x) => x.atoms === s);
      return b ? b.stats.mae.toPrecision(digits) : "";
    });
    lines.push(`| ${[name, errors.overall.mae.toPrecision(digits), ...cells].join(" | ")} |`);
  }
  return lines.join("\n") + "\n";
}
