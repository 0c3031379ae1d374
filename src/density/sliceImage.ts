// Renders a density slice as a PNG: viridis (log or linear), a labelled colour bar, atoms marked, a title line.
import { createImage, encodePng, setPixel, viridis, type RgbImage } from "../io/png.js";
import type { Slice } from "./slice.js";

// A 5x7 bitmap font (columns, bit 0 = top row) for titles and tick labels; lower case falls back to upper case.
const FONT: Record<string, number[]> = {
  "0": [0x3e, 0x51, 0x49, 0x45, 0x3e], "1": [0x00, 0x42, 0x7f, 0x40, 0x00], "2": [0x42, 0x61, 0x51, 0x49, 0x46],
  "3": [0x21, 0x41, 0x45, 0x4b, 0x31], "4": [0x18, 0x14, 0x12, 0x7f, 0x10], "5": [0x27, 0x45, 0x45, 0x45, 0x39],
  "6": [0x3c, 0x4a, 0x49, 0x49, 0x30], "7": [0x01, 0x71, 0x09, 0x05, 0x03], "8": [0x36, 0x49, 0x49, 0x49, 0x36],
  "9": [0x06, 0x49, 0x49, 0x29, 0x1e], A: [0x7e, 0x11, 0x11, 0x11, 0x7e], B: [0x7f, 0x49, 0x49, 0x49, 0x36],
  C: [0x3e, 0x41, 0x41, 0x41, 0x22], D: [0x7f, 0x41, 0x41, 0x22, 0x1c], E: [0x7f, 0x49, 0x49, 0x49, 0x41],
  F: [0x7f, 0x09, 0x09, 0x09, 0x01], G: [0x3e, 0x41, 0x49, 0x49, 0x7a], H: [0x7f, 0x08, 0x08, 0x08, 0x7f],
  I: [0x00, 0x41, 0x7f, 0x41, 0x00], J: [0x20, 0x40, 0x41, 0x3f, 0x01], K: [0x7f, 0x08, 0x14, 0x22, 0x41],
  L: [0x7f, 0x40, 0x40, 0x40, 0x40], M: [0x7f, 0x02, 0x0c, 0x02, 0x7f], N: [0x7f, 0x04, 0x08, 0x10, 0x7f],
  O: [0x3e, 0x41, 0x41, 0x41, 0x3e], P: [0x7f, 0x09, 0x09, 0x09, 0x06], Q: [0x3e, 0x41, 0x51, 0x21, 0x5e],
  R: [0x7f, 0x09, 0x19, 0x29, 0x46], S: [0x46, 0x49, 0x49, 0x49, 0x31], T: [0x01, 0x01, 0x7f, 0x01, 0x01],
  U: [0x3f, 0x40, 0x40, 0x40, 0x3f], V: [0x1f, 0x20, 0x40, 0x20, 0x1f], W: [0x3f, 0x40, 0x38, 0x40, 0x3f],
  X: [0x63, 0x14, 0x08, 0x14, 0x63], Y: [0x07, 0x08, 0x70, 0x08, 0x07], Z: [0x61, 0x51, 0x49, 0x45, 0x43],
  e: [0x38, 0x54, 0x54, 0x54, 0x18], l: [0x00, 0x41, 0x7f, 0x40, 0x00], r: [0x7c, 0x08, 0x04, 0x04, 0x08],
  h: [0x7f, 0x08, 0x04, 0x04, 0x78], o: [0x38, 0x44, 0x44, 0x44, 0x38], g: [0x0c, 0x52, 0x52, 0x52, 0x3e],
  ".": [0x00, 0x60, 0x60, 0x00, 0x00], "-": [0x08, 0x08, 0x08, 0x08, 0x08], "+": [0x08, 0x08, 0x3e, 0x08, 0x08],
  ":": [0x00, 0x36, 0x36, 0x00, 0x00], "(": [0x00, 0x1c, 0x22, 0x41, 0x00], ")": [0x00, 0x41, 0x22, 0x1c, 0x00],
  ",": [0x00, 0x50, 0x30, 0x00, 0x00], "_": [0x40, 0x40, 0x40, 0x40, 0x40], "/": [0x20, 0x10, 0x08, 0x04, 0x02],
  "=": [0x14, 0x14, 0x14, 0x14, 0x14], " ": [0, 0, 0, 0, 0],
};

/** Draws text with its top-left at (x, y); `scale` pixels per font dot. Returns the width drawn. */
export function drawText(img: RgbImage, text: string, x: number, y: number, rgb: readonly number[], scale = 1): number {
  let cx = x;
  for (const ch of text) {
    const glyph = FONT[ch] ?? FONT[ch.toUpperCase()] ?? FONT[" "]!;
    glyph.forEach((col, gx) => {
      for (let gy = 0; gy < 7; gy++) {
        if (!(col & (1 << gy))) continue;
        for (let a = 0; a < scale; a++) for (let b = 0; b < scale; b++) setPixel(img, cx + gx * scale + a, y + gy * scale + b, rgb);
      }
    });
    cx += 6 * scale;
  }
  return cx - x;
}

function disc(img: RgbImage, cx: number, cy: number, r: number, fill: readonly number[] | null, ring: readonly number[]): void {
  for (let y = Math.floor(cy - r - 1); y <= cy + r + 1; y++) {
    for (let x = Math.floor(cx - r - 1); x <= cx + r + 1; x++) {
      const d = Math.hypot(x - cx, y - cy);
      if (d <= r + 0.5 && d >= r - 0.9) setPixel(img, x, y, ring);
      else if (fill && d < r - 0.9) setPixel(img, x, y, fill);
    }
  }
}

export interface SliceImageOptions {
  /** "log" (default): log10 rho over `decades` below the maximum; "linear": 0 to the maximum. */
  scale?: "log" | "linear";
  decades?: number;
  title?: string;
}

const ATOM_RADIUS: Record<number, number> = { 1: 3 };
const IN_PLANE = 0.3; // angstrom: atoms closer than this to the plane are drawn white and labelled

/** The slice as a PNG file. */
export function renderSlicePng(slice: Slice, options: SliceImageOptions = {}): Uint8Array {
  const scaleKind = options.scale ?? "log", decades = options.decades ?? 4;
  let max = 0;
  for (const v of slice.values) max = Math.max(max, v);
  const lo = scaleKind === "log" ? Math.log10(max) - decades : 0, hi = scaleKind === "log" ? Math.log10(max) : max;
  const t = (v: number) => ((scaleKind === "log" ? Math.log10(Math.max(v, 1e-30)) : v) - lo) / (hi - lo || 1);
  const margin = 8, top = 24, bar = 16, labels = 64;
  const img = createImage(margin + slice.width + 12 + bar + labels, top + slice.height + margin);
  for (let y = 0; y < slice.height; y++) {
    for (let x = 0; x < slice.width; x++) setPixel(img, margin + x, top + y, viridis(t(slice.values[y * slice.width + x]!)));
  }
  // Atoms: rings (not discs, so the density at the nucleus stays visible), white when in the plane, grey when off it.
  for (const a of slice.atoms) {
    const x = margin + a.px, y = top + a.py;
    const inPlane = Math.abs(a.offset) < IN_PLANE;
    const r = ATOM_RADIUS[a.z] ?? 5;
    disc(img, x, y, r + 1, null, [0, 0, 0]);
    disc(img, x, y, r, null, inPlane ? [255, 255, 255] : [150, 150, 150]);
    if (inPlane) drawText(img, a.symbol, x + r + 3, y - r - 8, [255, 255, 255]);
  }
  // Colour bar with ticks: decades (log) or five even steps (linear).
  const bx = margin + slice.width + 12;
  for (let y = 0; y < slice.height; y++) {
    const c = viridis(1 - y / Math.max(slice.height - 1, 1));
    for (let x = 0; x < bar; x++) setPixel(img, bx + x, top + y, c);
  }
  const ticks = scaleKind === "log"
    ? Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, i) => Math.ceil(lo) + i)
    : Array.from({ length: 5 }, (_, i) => (hi * i) / 4);
  for (const tick of ticks) {
    const y = top + Math.round((1 - (tick - lo) / (hi - lo || 1)) * (slice.height - 1));
    for (let x = 0; x < 4; x++) setPixel(img, bx + bar + x, y, [0, 0, 0]);
    const label = scaleKind === "log" ? `1e${tick}` : tick.toPrecision(2);
    drawText(img, label, bx + bar + 6, y - 3, [0, 0, 0]);
  }
  const title = options.title ?? "rho";
  drawText(img, `${title}${scaleKind === "log" ? " (log10)" : ""}`, margin, 8, [0, 0, 0]);
  return encodePng(img);
}
