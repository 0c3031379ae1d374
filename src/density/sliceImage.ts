// Renders a density slice as a PNG: viridis (log or linear), axes in angstrom, a scale bar, a labelled colour bar, atoms.
import { drawText, GLYPH_HEIGHT, textWidth } from "../io/bitmapFont.js";
import { createImage, encodePng, setPixel, viridis, type RgbImage } from "../io/png.js";
import type { Slice } from "./slice.js";

export interface SliceImageOptions {
  /** "log" (default): log10 rho over `decades` below the maximum; "linear": 0 to the maximum. */
  scale?: "log" | "linear";
  decades?: number;
  /** First title line (default "rho"). */
  title?: string;
  /** The values' unit, shown in the second title line (default "model units"). */
  unit?: string;
}

/** Pixels per font dot: 10x14-pixel letters, readable at the image's natural size. */
const TEXT = 2;
const LINE = GLYPH_HEIGHT * TEXT;
const BLACK = [0, 0, 0] as const, WHITE = [255, 255, 255] as const;
const ATOM_RADIUS: Record<number, number> = { 1: 4 };
const IN_PLANE = 0.3; // angstrom: atoms closer than this to the plane are drawn white and labelled

function disc(img: RgbImage, cx: number, cy: number, r: number, fill: readonly number[] | null, ring: readonly number[]): void {
  for (let y = Math.floor(cy - r - 1); y <= cy + r + 1; y++) {
    for (let x = Math.floor(cx - r - 1); x <= cx + r + 1; x++) {
      const d = Math.hypot(x - cx, y - cy);
      if (d <= r + 0.5 && d >= r - 0.9) setPixel(img, x, y, ring);
      else if (fill && d < r - 0.9) setPixel(img, x, y, fill);
    }
  }
}

function rect(img: RgbImage, x: number, y: number, w: number, h: number, rgb: readonly number[]): void {
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) setPixel(img, x + i, y + j, rgb);
}

/** Text with a one-pixel dark outline, readable on any colour of the map. */
function outlinedText(img: RgbImage, text: string, x: number, y: number): void {
  for (const [dx, dy] of [[-1, 0], [1, 0], [0, -1], [0, 1], [-1, -1], [1, 1], [-1, 1], [1, -1]] as const) drawText(img, text, x + dx, y + dy, BLACK, TEXT);
  drawText(img, text, x, y, WHITE, TEXT);
}

/** Axis tick step in angstrom: the first of 0.5, 1, 2, 5, 10 giving at most 10 intervals over `extent`. */
export function tickStep(extent: number): number {
  return [0.5, 1, 2, 5, 10].find((s) => extent / s <= 10) ?? 20;
}

const tickLabel = (a: number) => (Number.isInteger(a) ? String(a) : a.toFixed(1));

/** Where the parts of the picture go (pixels), and the axes' tick step (angstrom). */
export interface SliceLayout {
  left: number;
  top: number;
  width: number;
  height: number;
  /** Tick step of both axes and the scale bar's length, angstrom. */
  step: number;
  /** The scale bar: top-left corner and length in pixels. */
  scaleBar: { x: number; y: number; length: number };
}

/** The slice as an RGB image with its layout (renderSlicePng encodes it). */
export function renderSliceImage(slice: Slice, options: SliceImageOptions = {}): { image: RgbImage; layout: SliceLayout } {
  const scaleKind = options.scale ?? "log", decades = options.decades ?? 4;
  let max = 0;
  for (const v of slice.values) max = Math.max(max, v);
  const lo = scaleKind === "log" ? Math.log10(max) - decades : 0, hi = scaleKind === "log" ? Math.log10(max) : max;
  const t = (v: number) => ((scaleKind === "log" ? Math.log10(Math.max(v, 1e-30)) : v) - lo) / (hi - lo || 1);
  const w = slice.width, h = slice.height, px = slice.pixel;
  const step = tickStep(Math.max(w, h) * px);
  const xTicks = Array.from({ length: Math.floor((w * px) / step + 1e-9) + 1 }, (_, k) => k * step);
  const yTicks = Array.from({ length: Math.floor((h * px) / step + 1e-9) + 1 }, (_, k) => k * step);

  const ticks = scaleKind === "log"
    ? Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, i) => Math.ceil(lo) + i)
    : Array.from({ length: 5 }, (_, i) => (hi * i) / 4);
  const barLabels = ticks.map((tick) => (scaleKind === "log" ? `1e${tick}` : tick.toPrecision(2)));

  const title = `${options.title ?? "rho"}${scaleKind === "log" ? " (log10 colour scale)" : ""}`;
  const subtitle = `${options.unit ?? "model units"}; plane: ${slice.plane.label}`;
  const caption = "x, y: distance in the slice plane (Å)";
  const left = 10 + Math.max(...yTicks.map((a) => textWidth(tickLabel(a), TEXT))) + 8;
  const top = 10 + 2 * (LINE + 8);
  const barX = left + w + 16, bar = 18;
  const contentWidth = barX + bar + 8 + Math.max(...barLabels.map((l) => textWidth(l, TEXT))) + 10;
  const width = Math.max(contentWidth, 10 + textWidth(title, TEXT) + 10, 10 + textWidth(subtitle, TEXT) + 10, left + textWidth(caption, TEXT) + 10);
  const height = top + h + 8 + LINE + 10 + LINE + 10;
  const img = createImage(width, height);

  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) setPixel(img, left + x, top + y, viridis(t(slice.values[y * w + x]!)));
  // Atoms: rings (not discs, so the density at the nucleus stays visible), white when in the plane, grey when off it.
  for (const a of slice.atoms) {
    const x = left + a.px, y = top + a.py;
    const inPlane = Math.abs(a.offset) < IN_PLANE;
    const r = ATOM_RADIUS[a.z] ?? 6;
    disc(img, x, y, r + 1, null, BLACK);
    disc(img, x, y, r, null, inPlane ? WHITE : [150, 150, 150]);
    if (inPlane) outlinedText(img, a.symbol, x + r + 3, y - r - LINE);
  }
  // Axes in angstrom from the image's lower-left corner: a frame, ticks and labels.
  rect(img, left - 1, top - 1, w + 2, 1, BLACK); rect(img, left - 1, top + h, w + 2, 1, BLACK);
  rect(img, left - 1, top - 1, 1, h + 2, BLACK); rect(img, left + w, top - 1, 1, h + 2, BLACK);
  for (const a of xTicks) {
    const x = left + Math.round(a / px);
    rect(img, x, top + h, 1, 6, BLACK);
    const label = tickLabel(a);
    drawText(img, label, Math.min(x - textWidth(label, TEXT) / 2, width - textWidth(label, TEXT)), top + h + 8, BLACK, TEXT);
  }
  for (const a of yTicks) {
    const y = top + h - Math.round(a / px);
    rect(img, left - 7, y, 6, 1, BLACK);
    const label = tickLabel(a);
    drawText(img, label, left - 8 - textWidth(label, TEXT), Math.max(y - LINE / 2, top - LINE / 2), BLACK, TEXT);
  }
  drawText(img, caption, left, top + h + 8 + LINE + 10, BLACK, TEXT);
  // Scale bar, one tick step long, in the lower-left corner of the picture.
  const scaleBar = { x: left + 12, y: top + h - 14, length: Math.round(step / px) };
  rect(img, scaleBar.x - 1, scaleBar.y - 1, scaleBar.length + 2, 6, BLACK);
  rect(img, scaleBar.x, scaleBar.y, scaleBar.length, 4, WHITE);
  outlinedText(img, `${tickLabel(step)} Å`, scaleBar.x, scaleBar.y - LINE - 5);

  // Colour bar with ticks: decades (log) or five even steps (linear).
  for (let y = 0; y < h; y++) {
    const c = viridis(1 - y / Math.max(h - 1, 1));
    for (let x = 0; x < bar; x++) setPixel(img, barX + x, top + y, c);
  }
  ticks.forEach((tick, i) => {
    const y = top + Math.round((1 - (tick - lo) / (hi - lo || 1)) * (h - 1));
    rect(img, barX + bar, y, 5, 1, BLACK);
    drawText(img, barLabels[i]!, barX + bar + 8, Math.min(Math.max(y - LINE / 2, top - LINE / 2), top + h - LINE), BLACK, TEXT);
  });
  drawText(img, title, 10, 10, BLACK, TEXT);
  drawText(img, subtitle, 10, 10 + LINE + 8, BLACK, TEXT);
  return { image: img, layout: { left, top, width: w, height: h, step, scaleBar } };
}

/** The slice as a PNG file. */
export function renderSlicePng(slice: Slice, options: SliceImageOptions = {}): Uint8Array {
  return encodePng(renderSliceImage(slice, options).image);
}
