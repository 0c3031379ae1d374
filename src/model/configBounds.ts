// Documented, finite bounds on a QDF model's sizes: checked when a model file is read or written and by the options
// that set them, so that no metadata (a grid interval of 1e-300, a width of 10^5) can make loading hang or explode.
import type { QdfConfig } from "./config.js";

/** [min, max] of each size; an interval in angstrom, widths and layer counts integers. */
export const CONFIG_BOUNDS = {
  radius: [1e-3, 10],
  gridInterval: [1e-3, 10],
  dim: [1, 4096],
  layerFunctional: [1, 64],
  hiddenHK: [1, 4096],
  layerHK: [1, 64],
} as const;

/**
 * The most points a sphere template may have: (4/3) pi (radius/interval)^3, the per-atom field, is bounded before
 * the template is built (radius / interval <= 100 keeps it under 4.2 million; the published models have 2.5).
 */
export const MAX_RADIUS_OVER_INTERVAL = 100;

type Sizes = Pick<QdfConfig, "radius" | "gridInterval" | "dim" | "layerFunctional" | "hiddenHK" | "layerHK" | "field">;

/** What is out of bounds in `c` (named by `label(key)`, e.g. a metadata key or an option), or null when all is in. */
export function configBoundsProblem(c: Sizes, label: (key: keyof typeof CONFIG_BOUNDS) => string): string | null {
  for (const key of Object.keys(CONFIG_BOUNDS) as (keyof typeof CONFIG_BOUNDS)[]) {
    const [lo, hi] = CONFIG_BOUNDS[key];
    const x = c[key];
    if (!(x >= lo && x <= hi)) return `${label(key)} must be in ${lo}..${hi}, got ${x}`;
  }
  if (c.field !== "atoms" && c.radius / c.gridInterval > MAX_RADIUS_OVER_INTERVAL) {
    return `${label("radius")} / ${label("gridInterval")} must be at most ${MAX_RADIUS_OVER_INTERVAL} ` +
      `(got ${c.radius} / ${c.gridInterval}: about ${Math.round((4 / 3) * Math.PI * (c.radius / c.gridInterval) ** 3)} field points per atom)`;
  }
  return null;
}
