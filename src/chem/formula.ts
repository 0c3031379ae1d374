// The molecular formula in Hill order: C, then H, then the other elements alphabetically (no C: all alphabetically).
import { elementSymbol } from "./elements.js";

/** Hill-order formula of atomic numbers, e.g. [8, 1, 1] -> "H2O", [6, 1, 1, 1, 1] -> "CH4"; "" for no atoms. */
export function hillFormula(atomicNumbers: ArrayLike<number>): string {
  const counts = new Map<string, number>();
  for (let i = 0; i < atomicNumbers.length; i++) {
    const s = elementSymbol(atomicNumbers[i]!);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const carbon = counts.has("C");
  const rank = (s: string) => (carbon && s === "C" ? 0 : carbon && s === "H" ? 1 : 2);
  const order = [...counts.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return order.map((s) => (counts.get(s) === 1 ? s : `${s}${counts.get(s)}`)).join("");
}

