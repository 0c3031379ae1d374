// The evaluation figures: MAE against atom count (one line per model) and a parity plot (predicted against true).
import { encodePng } from "../io/png.js";
import type { ModelErrors } from "../evaluate/errors.js";
import type { PredictionResult } from "../predict/result.js";
import { Chart, PALETTE } from "./chart.js";

/** MAE per atom count, one line with markers per model; PNG bytes. */
export function maeBySizePng(models: { name: string; errors: ModelErrors }[], unit: string, title = "MAE by molecule size"): Uint8Array {
  const sizes = models.flatMap((m) => m.errors.bySize.map((b) => b.atoms));
  const maes = models.flatMap((m) => m.errors.bySize.map((b) => b.stats.mae)).filter(Number.isFinite);
  const lo = Math.min(...sizes), hi = Math.max(...sizes);
  const xTicks = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const chart = new Chart({
    title, xLabel: "atoms", yLabel: `MAE${unit ? ` (${unit})` : ""}`,
    x: [lo - 0.5, hi + 0.5], y: [0, Math.max(...maes, 0) * 1.08 || 1], xTicks,
  });
  models.forEach((m, i) => {
    const rgb = PALETTE[i % PALETTE.length]!;
    const pts = m.errors.bySize.map((b) => [b.atoms, b.stats.mae] as [number, number]);
    chart.polyline(pts, rgb);
    for (const [x, y] of pts) chart.marker(x, y, rgb);
  });
  chart.legend(models.map((m, i) => ({ label: m.name, rgb: PALETTE[i % PALETTE.length]! })));
  return encodePng(chart.img);
}

/** Predicted against true (first output), every model's points in its colour, the diagonal in black; PNG bytes. */
export function parityPng(models: { name: string; results: PredictionResult[] }[], unit: string, title = "parity"): Uint8Array {
  const pairs = models.map((m) => m.results.filter((r) => r.predicted && r.true).map((r) => [r.true![0]!, r.predicted![0]!] as [number, number]));
  const all = pairs.flat().flat();
  const lo = Math.min(...all), hi = Math.max(...all), pad = (hi - lo) * 0.03 || 1;
  const range: [number, number] = [lo - pad, hi + pad];
  const u = unit ? ` (${unit})` : "";
  const chart = new Chart({ title, xLabel: `true${u}`, yLabel: `predicted${u}`, x: range, y: range, width: 520, height: 520 });
  chart.polyline([[range[0], range[0]], [range[1], range[1]]], [0, 0, 0], 1);
  pairs.forEach((pts, i) => { for (const [x, y] of pts) chart.dot(x, y, PALETTE[i % PALETTE.length]!); });
  chart.legend(models.map((m, i) => ({ label: m.name, rgb: PALETTE[i % PALETTE.length]! })));
  return encodePng(chart.img);
}
