// Runs openchemlib with a Math.pow that gives the same bits in every JavaScript engine, so Node and browsers embed alike.
/*
 * Why: openchemlib's self-organiser and MMFF94 call Math.pow(x, -6) a million times per molecule, and V8 versions
 * round powers differently (Node 20's V8 11.3 and Chromium 150 disagree in the last bit for ~4% of the x^-6
 * arguments, and on 0.25^0.25; every other Math function openchemlib calls, sin cos acos asin atan atan2 exp log,
 * agreed on all ~250,000 sampled arguments). The last bit then grows: 10 of the first 60 QM9 val SMILES got another
 * conformer in Chromium than in Node, and MMFF94s minima differed by up to 1e-11 A. So integer powers are computed by
 * squaring, with * and / alone, which IEEE 754 rounds the same everywhere; x^0.25 (MMFF94's parameter rules) as
 * sqrt(sqrt(x)); other powers of positive x (a few calls per molecule) as exp(y log x), which rests on exp and log
 * agreeing across engines as they did above. Zero, negative, infinite or NaN cases keep the engine's Math.pow.
 */

const enginePow = Math.pow;

/** x^n for an integer 1 <= n by binary exponentiation: the same operations in the same order on every engine. */
function powInteger(x: number, n: number): number {
  let result = 1;
  let base = x;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result *= base;
    if (e > 1) base *= base;
  }
  return result;
}

/** Math.pow with results that do not depend on the engine's pow (see above); within ~|y| ulp of it for integer y. */
export function portablePow(x: number, y: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0) return enginePow(x, y);
  if (!Number.isInteger(y) || Math.abs(y) > 1024) {
    if (x < 0) return enginePow(x, y); // NaN for a fractional y
    if (y === 0.5) return Math.sqrt(x);
    if (y === 0.25) return Math.sqrt(Math.sqrt(x));
    return Math.exp(y * Math.log(x));
  }
  if (y === 0) return 1;
  const p = powInteger(x, Math.abs(y));
  // Overflow or underflow on the way: the engine's own pow is closer there (openchemlib never gets here).
  if (p === 0 || !Number.isFinite(p)) return enginePow(x, y);
  return y > 0 ? p : 1 / p;
}

/**
 * Runs fn (synchronous openchemlib work) with Math.pow replaced by portablePow; Math.pow is restored afterwards,
 * even on a throw. openchemlib reads Math.pow from the global Math object at each call, so the swap reaches it.
 */
export function withPortableMath<T>(fn: () => T): T {
  const saved = Math.pow;
  Math.pow = portablePow;
  try {
    return fn();
  } finally {
    Math.pow = saved;
  }
}
