// The PNG slice's picture: a font with both letter cases, axes in angstrom with ticks, a scale bar, readable text size.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { drawText, glyph } from "../../src/io/bitmapFont.js";
import { createImage } from "../../src/io/png.js";
import type { Slice } from "../../src/density/slice.js";
import { renderSliceImage, tickStep } from "../../src/density/sliceImage.js";

test("the font has its own glyph for every letter of both cases; an unknown character is '?', not another letter", () => {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (const lower of letters) {
    const upper = lower.toUpperCase();
    assert.not.equal(glyph(lower), glyph(upper), `${lower} and ${upper} differ`);
    assert.not.equal(glyph(lower), glyph("?"), `${lower} has a glyph`);
    assert.not.equal(glyph(upper), glyph("?"), `${upper} has a glyph`);
  }
  for (const ch of "0123456789Å()/.,:-+^=") assert.not.equal(glyph(ch), glyph("?"), `${JSON.stringify(ch)} has a glyph`);
  assert.equal(glyph("€"), glyph("?"));
  // Drawn: "rho" and "RHO" are different pictures.
  const a = createImage(40, 10), b = createImage(40, 10);
  drawText(a, "rho", 0, 0, [0, 0, 0]);
  drawText(b, "RHO", 0, 0, [0, 0, 0]);
  assert.not.equal(a.data, b.data);
});

/** A synthetic 6 x 4 angstrom slice (300 x 200 pixels of 0.02 angstrom): one Gaussian blob. */
function blobSlice(): Slice {
  const width = 300, height = 200, pixel = 0.02;
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) values[y * width + x] = Math.exp(-((x - 150) ** 2 + (y - 100) ** 2) / 800);
  return {
    plane: { centre: [0, 0, 0], u: [1, 0, 0], v: [0, 1, 0], normal: [0, 0, 1], label: "xy plane through the centroid" },
    width, height, pixel, values, atoms: [{ symbol: "C", z: 6, px: 150, py: 100, offset: 0 }],
  };
}

const isBlack = (d: Uint8Array, i: number) => d[i] === 0 && d[i + 1] === 0 && d[i + 2] === 0;
const isWhite = (d: Uint8Array, i: number) => d[i] === 255 && d[i + 1] === 255 && d[i + 2] === 255;

test("axes: a tick every angstrom along both edges; a 1 angstrom scale bar; text 14 pixels high", () => {
  assert.is(tickStep(6), 1);
  assert.is(tickStep(0.8), 0.5);
  assert.is(tickStep(25), 5);
  const { image, layout } = renderSliceImage(blobSlice(), { title: "test: rho", unit: "electrons/bohr^3" });
  const d = image.data, W = image.width;
  assert.is(layout.step, 1);
  // Ticks below the frame (x: 0..6 angstrom) and left of it (y: 0..4): runs of black at 0, 50, ..., 300 pixels.
  const below = layout.top + layout.height + 3;
  const xTicks = [];
  for (let x = layout.left; x < W; x++) if (isBlack(d, (below * W + x) * 3)) xTicks.push(x - layout.left);
  assert.equal(xTicks, [0, 50, 100, 150, 200, 250, 300]);
  const leftOf = layout.left - 4;
  const yTicks = [];
  for (let y = layout.top; y <= layout.top + layout.height; y++) if (isBlack(d, (y * W + leftOf) * 3)) yTicks.push(layout.top + layout.height - y);
  assert.equal(yTicks, [200, 150, 100, 50, 0]);
  // The scale bar: a white run of exactly 1 angstrom (50 pixels) framed in black.
  const { x, y, length } = layout.scaleBar;
  assert.is(length, 50);
  let run = 0;
  while (isWhite(d, ((y + 1) * W + x + run) * 3)) run++;
  assert.is(run, 50);
  assert.ok(isBlack(d, ((y + 1) * W + x - 1) * 3) && isBlack(d, ((y + 1) * W + x + 50) * 3));
  // The title's letters are drawn at 2 pixels per dot: each line's black rows span 7 dots x 2 pixels.
  const rows = [];
  for (let r = 0; r < layout.top - 2; r++) {
    let any = false;
    for (let c = 0; c < W && !any; c++) any = isBlack(d, (r * W + c) * 3);
    if (any) rows.push(r);
  }
  assert.ok(rows.length >= 28, `two title lines of 14 rows each: rows ${rows.join(",")}`);
  assert.ok(image.width >= 300 + layout.left + 60 && image.height >= 200 + layout.top + 40, `${image.width}x${image.height}`);
});

test.run();
