// Units of predicted properties: the model's unit from its property name, energy conversions, printed precision.

/** The unit in a property name's trailing parentheses: "atomization energy (eV)" -> "eV"; "" when none. */
export function propertyUnit(property: string): string {
  return /\(([^()]*)\)\s*$/.exec(property)?.[1] ?? "";
}

/** Energy units `--unit` converts between, as eV per unit (CODATA 2018: Hartree energy, and kcal/mol via N_A e). */
export const ENERGY_UNITS = {
  eV: 1,
  "kcal/mol": 4184 / 96485.33212, // 1 kcal/mol = 4.184 kJ/mol; 1 eV = 96.48533212 kJ/mol
  hartree: 27.211386245988,
} as const;
export type EnergyUnit = keyof typeof ENERGY_UNITS;
export const ENERGY_UNIT_NAMES = Object.keys(ENERGY_UNITS) as EnergyUnit[];

/**
 * Decimals printed per unit: 1e-6 eV or finer, what float32 resolves for values up to ~16 eV (its spacing there
 * is 1.9e-6 eV; 7.6e-6 at 64 eV), so no digit printed is noise for typical molecules. kcal/mol: 1e-5 (4e-7 eV);
 * hartree: 1e-7 (2.7e-6 eV). Other units: 7 significant digits (float32 carries 7.2).
 */
const DECIMALS: Record<string, number> = { eV: 6, "kcal/mol": 5, hartree: 7 };

/** How values of one property are printed: in `unit`, scaled from the model's unit by `factor`, rounded. */
export interface OutputUnit {
  /** The unit printed ("eV"); "" when the property names none. */
  unit: string;
  /** Multiplies the model's values into `unit`. */
  factor: number;
  /** Fixed decimals, or undefined for 7 significant digits. */
  decimals: number | undefined;
}

/** Why a --unit cannot apply to a property; thrown by outputUnit. */
export class UnitError extends Error {}

/**
 * The output unit for a model's property and an asked-for unit (none: the model's own). Conversion needs an energy
 * property in one of ENERGY_UNITS; asking any other property for a unit is an error, never a silent relabel.
 */
export function outputUnit(property: string, wanted?: string): OutputUnit {
  const own = propertyUnit(property);
  const unit = wanted ?? own;
  if (wanted !== undefined && wanted !== own) {
    if (!(wanted in ENERGY_UNITS)) throw new UnitError(`unknown unit "${wanted}": use ${ENERGY_UNIT_NAMES.join(", ")}`);
    if (!(own in ENERGY_UNITS)) {
      throw new UnitError(`the model predicts "${property}", ${own ? `in ${own}, ` : "with no unit, "}` +
        `which cannot be converted to ${wanted} (only ${ENERGY_UNIT_NAMES.join(", ")} energies are)`);
    }
  }
  const factor = wanted === undefined || wanted === own ? 1 : ENERGY_UNITS[own as EnergyUnit] / ENERGY_UNITS[wanted as EnergyUnit];
  return { unit, factor, decimals: DECIMALS[unit] };
}

/** A value in the output unit, rounded as `out` says, as the number the table prints. */
export function roundValue(v: number, out: OutputUnit): number {
  const x = v * out.factor;
  const r = out.decimals === undefined ? Number(x.toPrecision(7)) : Number(x.toFixed(out.decimals));
  return r === 0 ? 0 : r; // no "-0"
}

/** The printed form of a value: fixed decimals (trailing zeros kept, so columns line up) or 7 significant digits. */
export function formatValue(v: number, out: OutputUnit): string {
  const r = roundValue(v, out);
  return out.decimals === undefined ? String(r) : r.toFixed(out.decimals);
}
