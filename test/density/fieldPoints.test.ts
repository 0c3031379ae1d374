// The grid evaluator at the molecule's own field points reproduces the reference forward pass's density.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { parseMolecules } from "../../src/chem/parse.js";
import { evaluateAtPoints } from "../../src/density/evaluate.js";
import { lcaoFunction } from "../../src/density/lcaoFunction.js";
import { pretrainedModel } from "../model/reference.js";
import { sharedPath } from "../shared.js";

interface Intermediates { id: string; n_electrons: number; density: number[] }

// The process-wide pretrained model (uvu runs every file in one process; tfjs variable names are global).
const model = await pretrainedModel();
const reference: Intermediates[] = JSON.parse(readFileSync(sharedPath("reference", "pretrained_under14_intermediates_under7test.json"), "utf8"));
const { molecules } = parseMolecules(readFileSync(sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "test.txt"), "utf8"));

/** Largest |a - b| / max|b| over the points (relative to the density's scale: rho is positive everywhere). */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}

/** Largest pointwise relative error |a - b| / |b|. */
function pointwiseRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  for (let i = 0; i < b.length; i++) err = Math.max(err, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return err;
}

for (const ref of reference) {
  test(`${ref.id}: rho at the field points matches the reference within 1e-5 relative`, () => {
    const m = molecules.find((x) => x.id === ref.id);
    assert.ok(m, `molecule ${ref.id} in test.txt`);
    const fn = lcaoFunction(model, m!);
    assert.is(fn.nElectrons, ref.n_electrons);
    // The forward pass's own rho (float64 from the kernel's basis values) sums to N_elec by construction.
    const fieldSum = fn.fieldRho.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(fieldSum - ref.n_electrons) < 1e-9 * ref.n_electrons, `sum rho on field ${fieldSum}`);
    assert.ok(pointwiseRelError(fn.fieldRho, ref.density) < 1e-5, "forward pass rho vs reference");
    for (const cutoffTol of [0, undefined]) {
      const { rho } = evaluateAtPoints(fn, fn.field, { cutoffTol });
      const err = pointwiseRelError(rho, ref.density);
      console.log(`  ${ref.id} cutoffTol=${cutoffTol ?? "default"}: max pointwise rel. error ${err.toExponential(2)}, vs max rho ${relError(rho, ref.density).toExponential(2)}`);
      assert.ok(err < 1e-5, `grid evaluator rel. error ${err}`);
    }
  });
}

test.run();
