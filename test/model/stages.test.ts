// Every stage's taped form against its frozen form on the same inputs: random models, sum and mean readouts, K = 1, 2.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "#tfjs-core";
import { parseMolecules } from "../../src/chem/parse.js";
import { initBackend } from "../../src/model/backend.js";
import type { QdfConfig } from "../../src/model/config.js";
import { FieldContext, featurize } from "../../src/model/features.js";
import { basisFrozen, basisMatrix, typeBasisFrozen } from "../../src/model/basis.js";
import {
  coefficientRows, molecularOrbitals, molecularOrbitalsFrozen, normalizedCoefficients, orbitalTypes,
} from "../../src/model/lcao.js";
import { densityFromBasis, firstLayerFromBasis } from "../../src/model/lcaoFactored.js";
import { denseRelu, FrozenDense, functional, functionalHiddenFrozen } from "../../src/model/functional.js";
import { densityColumn, FrozenHkMap } from "../../src/model/hkMap.js";
import { readoutFrozen, READOUTS, type Readout } from "../../src/model/readout.js";
import { FrozenModel } from "../../src/model/frozenModel.js";
import { QdfModel } from "../../src/model/qdf.js";
import { initialWeights } from "../../src/train/init.js";
import { Rng } from "../../src/train/rng.js";
import { sharedPath } from "../shared.js";

await initBackend();
const { molecules } = parseMolecules(readFileSync(sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "train.txt"), "utf8"));
const sample = molecules.slice(0, 3);

/** max |a - b| / max |b| over the arrays. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.is(a.length, b.length, "lengths");
  let d = 0, s = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); s = Math.max(s, Math.abs(b[i]!)); }
  return d / (s || 1);
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  const r = relDiff(a, b);
  assert.ok(r <= tol, `${what}: relative difference ${r.toExponential(2)} > ${tol}`);
}

function randomModel(operation: Readout, outputs: number, seed: number): QdfModel {
  const table: Record<string, number> = {};
  const config: QdfConfig = {
    basisSet: "6-31G", radius: 0.75, gridInterval: 0.3, dim: 24, layerFunctional: 2, hiddenHK: 20, layerHK: 3,
    operation, property: "test", orbitalDict: table, outputs,
  };
  // The orbital table grows from the sample's molecules, as training builds it.
  const grow = new FieldContext(config, true);
  for (const m of sample) featurize(m, grow);
  const rng = new Rng(seed);
  const weights = initialWeights(config, rng);
  const zeta = weights.get("zeta.weight")!.data;
  for (let i = 0; i < zeta.length; i++) zeta[i] = 0.5 + rng.next(); // distinct exponents per orbital type
  return new QdfModel({ config, weights });
}

test("orbitalTypes: distinct table rows in order of first appearance, each orbital's position among them", () => {
  const { types, typeOf } = orbitalTypes([5, 3, 5, 7, 3, 3]);
  assert.equal([...types], [5, 3, 7]);
  assert.equal([...typeOf], [0, 1, 0, 2, 1, 1]);
});

for (const operation of READOUTS) {
  for (const outputs of [1, 2]) {
    const label = `${operation} readout, K = ${outputs}`;
    const model = randomModel(operation, outputs, 7 + outputs);
    const batch = sample.map((m) => featurize(m, model.ctx, true));
    const w = model.weights();
    const zetaTable = w.get("zeta.weight")!.data, coefTable = w.get("coefficient.weight")!.data;
    const D = model.config.dim;

    test(`${label}: basis, LCAO, factored first layer and density, taped vs frozen`, () => {
      let repeated = 0;
      for (const f of batch) {
        const B = basisFrozen(f, zetaTable);
        const C = normalizedCoefficients(coefTable, f.orbitalIndex, D, new Float32Array(f.orbitalIndex.length * D));
        const psiFrozen = molecularOrbitalsFrozen(B.values, C, f.nField, D, f.nElectrons);
        const [basis, psi, first, firstFactored, rho, rhoFactored] = tf.tidy(() => {
          const b = basisMatrix(f, model.p("zeta.weight") as tf.Tensor2D);
          const c = tf.tensor2d(C, [f.orbitalIndex.length, D]);
          const p = molecularOrbitals(b, c, f.nElectrons);
          const layer = model.functionalLayers()[0]!;
          return [b, p, denseRelu(p, layer), firstLayerFromBasis(b, c, f.nElectrons, layer),
            densityColumn(p), densityFromBasis(b, c, f.nElectrons)].map((t) => t.dataSync());
        });
        close(basis!, B.values, 0, `${f.id} basis`);
        close(psi!, psiFrozen, 2e-6, `${f.id} Psi`);
        // B C = (B S) T: the basis summed per orbital type times the types' rows as the table holds them (native).
        const { types, typeOf } = orbitalTypes(f.orbitalIndex);
        repeated += f.orbitalIndex.length - types.length;
        const T = coefficientRows(coefTable, types, D, new Float32Array(types.length * D));
        const psiTypes = molecularOrbitalsFrozen(typeBasisFrozen(f, zetaTable, typeOf, types.length), T, f.nField, D, f.nElectrons);
        close(psiTypes, psiFrozen, 2e-6, `${f.id} Psi from orbital types`);
        close(firstFactored!, first!, 2e-5, `${f.id} first layer through B`);
        close(rhoFactored!, rho!, 2e-5, `${f.id} density through B`);
        let sum = 0;
        for (const r of rho!) sum += r;
        assert.ok(Math.abs(sum - f.nElectrons) < 1e-4 * f.nElectrons, `${f.id}: rho sums to N_elec (${sum})`);
      }
      assert.ok(repeated > 0, "no orbital type repeats in the sample, so the per-type sums were not tested");
    });

    test(`${label}: functional with its readout, taped vs frozen vs a plain reduction`, () => {
      const layers = Array.from({ length: model.config.layerFunctional }, (_, l) =>
        new FrozenDense(w.get(`W_functional.${l}.weight`)!, w.get(`W_functional.${l}.bias`)!));
      for (const f of batch) {
        const taped = tf.tidy(() => functional(model.lcao([f], true), model.functionalLayers(), operation).dataSync());
        const psi = tf.tidy(() => model.lcao([f], false)[0]!.dataSync() as Float32Array);
        const h = functionalHiddenFrozen(psi, f.nField, layers);
        const reduced = readoutFrozen(h, f.nField, operation);
        // A plain reduction written out here: sum over the field points, divided by their number for the mean.
        const plain = new Float64Array(D);
        for (let p = 0; p < f.nField; p++) for (let j = 0; j < D; j++) plain[j] += h[p * D + j]!;
        if (operation === "mean") for (let j = 0; j < D; j++) plain[j] /= f.nField;
        close(reduced, plain, 1e-12, `${f.id} frozen readout vs plain ${operation}`);
        close(taped, reduced, 2e-5, `${f.id} taped vs frozen functional`);
      }
      layers.forEach((l) => l.dispose());
    });

    test(`${label}: HK map (folded, per interval) vs the frozen plain layers`, () => {
      const hk = new FrozenHkMap(w, model.config.layerHK);
      const rho = Float32Array.from({ length: 500 }, (_, i) => (i / 500) ** 3 * 2);
      const taped = tf.tidy(() => model.potentialFromDensity(tf.tensor2d(rho, [rho.length, 1])).dataSync());
      close(taped, hk.potential(rho, 128), 2e-5, "V_pred");
      hk.dispose();
    });

    test(`${label}: E by the taped path, through the basis, and by the frozen prediction path`, () => {
      const taped = tf.tidy(() => model.energy(model.lcao(batch, true)).dataSync());
      const factored = tf.tidy(() => model.energyFromBasis(batch).dataSync());
      const frozen = new FrozenModel(model.config, w);
      const predicted = batch.flatMap((f) => Array.from(frozen.predictOne(f)));
      frozen.dispose();
      assert.is(predicted.length, batch.length * outputs);
      close(factored, taped, 2e-5, "E through B vs taped");
      close(predicted, taped, 2e-5, "E frozen vs taped");
      close(model.predict(batch), predicted, 0, "QdfModel.predict is the frozen path");
    });
  }
}

test.run();
