// A small raster chart: linear axes with ticks and labels, lines, markers and a legend, drawn into an RGB image.
import { createImage, type RgbImage, setPixel } from "../io/png.js";
import { drawText } from "../io/bitmapFont.js";

export type Rgb = readonly [number, number, number];

/** Distinct line colours (matplotlib's tab10 order). */
export const PALETTE: Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

const BLACK: Rgb = [0, 0, 0];

function text(img: RgbImage, s: string, x: number, y: number): void {
  drawText(img, s, x, y, BLACK);
}
const GRID: Rgb = [225, 225, 225];

/** "Nice" tick values covering [lo, hi] (steps of 1, 2 or 5 times a power of ten), about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

function tickLabel(t: number): string {
  if (t === 0) return "0";
  const a = Math.abs(t);
  return a >= 1e4 || a < 1e-3 ? t.toExponential(1) : String(Number(t.toPrecision(4)));
}

export interface ChartOptions {
  width?: number;
  height?: number;
  title: string;
  xLabel: string;
  yLabel: string;
  x: [number, number];
  y: [number, number];
  /** Tick values on x (default: nice ticks). */
  xTicks?: number[];
}

/** A plot area with its data ranges; draw in data coordinates, then png(). */
export class Chart {
  readonly img: RgbImage;
  private readonly left = 70;
  private readonly top = 36;
  private readonly right: number;
  private readonly bottom: number;
  private readonly x: [number, number];
  private readonly y: [number, number];

  constructor(o: ChartOptions) {
    const width = o.width ?? 640, height = o.height ?? 440;
    this.img = createImage(width, height);
    this.right = width - 16;
    this.bottom = height - 44;
    // A flat range would divide by zero: widen it around its value.
    const widen = (r: [number, number]): [number, number] => (r[1] > r[0] ? r : [r[0] - 1, r[0] + 1]);
    this.x = widen(o.x);
    this.y = widen(o.y);
    const xTicks = o.xTicks ?? niceTicks(this.x[0], this.x[1], 6), yTicks = niceTicks(this.y[0], this.y[1], 6);
    for (const t of yTicks) {
      const py = this.py(t);
      for (let px = this.left; px <= this.right; px++) setPixel(this.img, px, py, GRID);
      const label = tickLabel(t);
      text(this.img, label, this.left - 6 - 6 * label.length, py - 3);
    }
    for (const t of xTicks) {
      const px = this.px(t);
      for (let py = this.top; py <= this.bottom; py++) setPixel(this.img, px, py, GRID);
      const label = tickLabel(t);
      text(this.img, label, px - 3 * label.length, this.bottom + 6);
    }
    for (let px = this.left; px <= this.right; px++) { setPixel(this.img, px, this.bottom, BLACK); setPixel(this.img, px, this.top, BLACK); }
    for (let py = this.top; py <= this.bottom; py++) { setPixel(this.img, this.left, py, BLACK); setPixel(this.img, this.right, py, BLACK); }
    text(this.img, o.title, this.left, 6);
    text(this.img, o.xLabel, (this.left + this.right) / 2 - 3 * o.xLabel.length, this.bottom + 22);
    text(this.img, o.yLabel, 4, this.top - 11);
  }

  /** Pixel column of data x (clamped into the plot area). */
  px(x: number): number {
    const t = (x - this.x[0]) / (this.x[1] - this.x[0]);
    return Math.round(this.left + Math.min(Math.max(t, 0), 1) * (this.right - this.left));
  }

  /** Pixel row of data y (clamped; y grows upward). */
  py(y: number): number {
    const t = (y - this.y[0]) / (this.y[1] - this.y[0]);
    return Math.round(this.bottom - Math.min(Math.max(t, 0), 1) * (this.bottom - this.top));
  }

  /** A line through the points (data coordinates), `thick` pixels wide. */
  polyline(points: [number, number][], rgb: Rgb, thick = 2): void {
    for (let i = 1; i < points.length; i++) {
      const [x0, y0] = [this.px(points[i - 1]![0]), this.py(points[i - 1]![1])];
      const [x1, y1] = [this.px(points[i]![0]), this.py(points[i]![1])];
      const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
      for (let s = 0; s <= steps; s++) {
        const x = x0 + ((x1 - x0) * s) / steps, y = y0 + ((y1 - y0) * s) / steps;
        for (let a = 0; a < thick; a++) for (let b = 0; b < thick; b++) setPixel(this.img, x + a - (thick >> 1), y + b - (thick >> 1), rgb);
      }
    }
  }

  /** A filled square marker of half-width r at a data point. */
  marker(x: number, y: number, rgb: Rgb, r = 3): void {
    const cx = this.px(x), cy = this.py(y);
    for (let a = -r; a <= r; a++) for (let b = -r; b <= r; b++) setPixel(this.img, cx + a, cy + b, rgb);
  }

  /** A single pixel-sized dot (scatter plots with many points). */
  dot(x: number, y: number, rgb: Rgb): void {
    const cx = this.px(x), cy = this.py(y);
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) setPixel(this.img, cx + a, cy + b, rgb);
  }

  /** Legend entries in the plot's top-left corner. */
  legend(entries: { label: string; rgb: Rgb }[]): void {
    entries.forEach(({ label, rgb }, i) => {
      const y = this.top + 8 + i * 12;
      for (let a = 0; a < 14; a++) for (let b = 0; b < 3; b++) setPixel(this.img, this.left + 8 + a, y + 2 + b, rgb);
      text(this.img, label, this.left + 28, y);
    });
  }
}
