// The page's parity plot: predicted against true values as an SVG scatter with the y = x line; a point selects its row.

export interface ParityPoint {
  /** The molecule's index in the results (rows and points share it). */
  index: number;
  id: string;
  predicted: number;
  true: number;
  /** An ensemble's standard deviation: drawn as a vertical bar. */
  std?: number;
}

const SVG = "http://www.w3.org/2000/svg";
const SIZE = 380, LEFT = 62, BOTTOM = 46, TOP = 14, RIGHT = 14;

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

/** Tick values: a 1, 2 or 5 times a power of ten step, about five over [lo, hi]. */
export function ticks(lo: number, hi: number): number[] {
  const raw = (hi - lo) / 5;
  if (!(raw > 0)) return [lo];
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Draws the plot into `svg` (emptied first). Both axes share one range, so the y = x line is the diagonal; each point
 * is a circle with data-index and a tooltip. Nothing to plot: the svg is left empty and not displayed.
 */
export function drawParity(svg: SVGSVGElement, points: ParityPoint[], unit: string, onSelect: (index: number) => void): void {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${SIZE} ${SIZE}`);
  svg.dataset.points = String(points.length);
  svg.style.display = points.length === 0 ? "none" : "";
  if (points.length === 0) return;
  let lo = Infinity, hi = -Infinity;
  for (const p of points) {
    const s = p.std ?? 0;
    lo = Math.min(lo, p.true, p.predicted - s);
    hi = Math.max(hi, p.true, p.predicted + s);
  }
  const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.05 || 1;
  lo -= pad;
  hi += pad;
  const w = SIZE - LEFT - RIGHT, h = SIZE - TOP - BOTTOM;
  const x = (v: number) => LEFT + ((v - lo) / (hi - lo)) * w;
  const y = (v: number) => TOP + h - ((v - lo) / (hi - lo)) * h;
  const label = unit ? ` (${unit})` : "";

  el("rect", { x: LEFT, y: TOP, width: w, height: h, fill: "#fafafa", stroke: "#999" }, svg);
  const axes = el("g", { "font-size": 11, fill: "#333" }, svg);
  for (const t of ticks(lo, hi)) {
    el("line", { x1: x(t), x2: x(t), y1: TOP + h, y2: TOP + h + 4, stroke: "#666" }, axes);
    el("line", { x1: LEFT - 4, x2: LEFT, y1: y(t), y2: y(t), stroke: "#666" }, axes);
    el("text", { x: x(t), y: TOP + h + 16, "text-anchor": "middle" }, axes).textContent = String(t);
    el("text", { x: LEFT - 7, y: y(t) + 4, "text-anchor": "end" }, axes).textContent = String(t);
  }
  el("text", { x: LEFT + w / 2, y: SIZE - 8, "text-anchor": "middle", "font-size": 12 }, axes).textContent = `true${label}`;
  el("text", { x: 14, y: TOP + h / 2, "text-anchor": "middle", "font-size": 12, transform: `rotate(-90 14 ${TOP + h / 2})` }, axes)
    .textContent = `predicted${label}`;
  el("line", { x1: x(lo), y1: y(lo), x2: x(hi), y2: y(hi), stroke: "#c44", "stroke-dasharray": "4 3" }, svg);

  const dots = el("g", {}, svg);
  for (const p of points) {
    if (p.std) el("line", { x1: x(p.true), x2: x(p.true), y1: y(p.predicted - p.std), y2: y(p.predicted + p.std), stroke: "#2b7bba", "stroke-opacity": 0.5 }, dots);
    const c = el("circle", { cx: x(p.true), cy: y(p.predicted), r: 4.5, fill: "#2b7bba", "fill-opacity": 0.75, stroke: "#134", "stroke-width": 0.6, class: "point" }, dots);
    c.dataset.index = String(p.index);
    el("title", {}, c).textContent = `${p.id}: predicted ${p.predicted.toPrecision(7)}, true ${p.true.toPrecision(7)}${label}`;
    c.addEventListener("click", () => onSelect(p.index));
  }
}

/** Marks the selected point (and only it). */
export function markParity(svg: SVGSVGElement, index: number | null): void {
  for (const c of Array.from(svg.querySelectorAll<SVGCircleElement>("circle.point"))) {
    const on = c.dataset.index === String(index);
    c.setAttribute("r", on ? "7" : "4.5");
    c.setAttribute("fill", on ? "#e08a00" : "#2b7bba");
    if (on) c.parentNode!.appendChild(c); // drawn last, on top
  }
}
