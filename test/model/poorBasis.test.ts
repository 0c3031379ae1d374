// The poor-basis QDF (--basis minimal --field atoms) is a graph convolution: its LCAO at the nuclei equals A H with
// A_mn = exp(-zeta_n d_mn^2), computed here by a plain float64 implementation, to float32 rounding.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { initBackend } from "../../src/model/backend.js";
import { FieldContext, featurize } from "../../src/model/features.js";
import { FrozenModel } from "../../src/model/frozenModel.js";
import { QdfModel } from "../../src/model/qdf.js";
import { basisFrozen } from "../../src/model/basis.js";
import type { QdfConfig } from "../../src/model/config.js";
import { readModelFile, writeModelFile } from "../../src/model/modelFile.js";
import type { Molecule } from "../../src/chem/molecule.js";
import { atomicNumber } from "../../src/chem/elements.js";
import { initialWeights } from "../../src/train/init.js";
import { Rng } from "../../src/train/rng.js";
import { mulberry32 } from "../random.js";

const rand = mulberry32(2020);
const ELEMENTS = ["H", "C", "N", "O"];

function molecule(id: string, n: number): Molecule {
  const symbols = Array.from({ length: n }, () => ELEMENTS[Math.floor(rand() * ELEMENTS.length)]!);
  // Atoms spread over a few angstrom so that A has entries of every size, not only ~0 or ~1.
  const coords = new Float64Array(n * 3).map(() => 3 * rand() - 1.5);
  return { id, symbols, atomicNumbers: Int32Array.from(symbols, (s) => atomicNumber(s)!), coords, properties: [0] };
}

/** A plain column normalisation (float64), floored as torch's F.normalize. */
function normalizeColumns(x: number[][]): number[][] {
  const cols = x[0]!.length;
  const norms = Array.from({ length: cols }, (_, k) => Math.max(Math.sqrt(x.reduce((s, row) => s + row[k]! ** 2, 0)), 1e-12));
  return x.map((row) => row.map((v, k) => v / norms[k]!));
}

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, k) => row.reduce((s, v, j) => s + v * b[j]![k]!, 0)));
}

test("minimal basis on the atoms field: B = A (normalised), Psi = normalise(A H) sqrt(N/D), taped and frozen", async () => {
  await initBackend();
  const mols = [molecule("m1", 5), molecule("m2", 9), molecule("m3", 2)];
  const table: Record<string, number> = {};
  const ctx = new FieldContext({ basisSet: "minimal", field: "atoms", radius: 0.75, gridInterval: 0.3, orbitalDict: table }, true);
  const feats = mols.map((m) => featurize(m, ctx));
  const D = 7;
  const config: QdfConfig = {
    basisSet: "minimal", field: "atoms", radius: 0.75, gridInterval: 0.3, dim: D, layerFunctional: 1, hiddenHK: 3, layerHK: 1,
    operation: "sum", property: "E", orbitalDict: table, outputs: 1,
  };
  assert.equal(Object.keys(table).sort(), ELEMENTS.filter((e) => mols.some((m) => m.symbols.includes(e))).map((e) => `${e}1s0`).sort());
  const weights = initialWeights(config, new Rng(4));
  const zeta = weights.get("zeta.weight")!.data;
  zeta.forEach((_, i) => (zeta[i] = 0.2 + 1.3 * rand()));
  const coefficient = weights.get("coefficient.weight")!.data;
  const model = new QdfModel({ config, weights }), frozen = new FrozenModel(config, weights);
  const taped = model.lcao(feats, true);
  let worst = 0;
  mols.forEach((m, i) => {
    const f = feats[i]!, n = m.symbols.length;
    assert.is(f.nField, n, "one field point per atom");
    // The nuclei relative to the centroid featurize centres on (f.origin), subtracted in float64 as it does.
    assert.equal(Array.from(f.field), Array.from(m.coords, (v, j) => v - f.origin[j % 3]!), "the field points are the nuclei");
    assert.is(f.orbitalIndex.length, n, "one orbital per atom");
    // A_mn = exp(-zeta_n d_mn^2), zeta of atom n's element; d_mm = 1e6 (the 0 -> 1e6 rule), so A_mm = 0.
    const A = Array.from({ length: n }, (_, p) => Array.from({ length: n }, (_, q) => {
      if (p === q) return 0;
      const d2 = [0, 1, 2].reduce((s, c) => s + (m.coords[3 * p + c]! - m.coords[3 * q + c]!) ** 2, 0);
      return Math.exp(-zeta[table[`${m.symbols[q]}1s0`]!]! * d2);
    }));
    const An = normalizeColumns(A);
    const H = normalizeColumns(Array.from({ length: n }, (_, q) => Array.from(coefficient.subarray(table[`${m.symbols[q]}1s0`]! * D, (table[`${m.symbols[q]}1s0`]! + 1) * D))));
    const scale = Math.sqrt(m.atomicNumbers.reduce((s, z) => s + z, 0) / D);
    const psi = normalizeColumns(matmul(An, H)).map((row) => row.map((v) => v * scale));
    const B = basisFrozen(f, zeta).values;
    An.forEach((row, p) => row.forEach((v, q) => {
      assert.ok(Math.abs(B[p * n + q]! - v) <= 2e-7 * Math.max(...An.map((r) => r[q]!)) + 1e-30, `${m.id} B[${p},${q}] ${B[p * n + q]} vs ${v}`);
    }));
    const forms = { frozen: frozen.orbitals(f), taped: taped[i]!.dataSync() as Float32Array };
    for (const [name, got] of Object.entries(forms)) {
      psi.forEach((row, p) => row.forEach((v, k) => {
        const err = Math.abs(got[p * D + k]! - v) / scale;
        worst = Math.max(worst, err);
        assert.ok(err < 2e-6, `${m.id} ${name} Psi[${p},${k}]: ${got[p * D + k]} vs ${v}`);
      }));
    }
  });
  assert.ok(worst > 0, "float32 against float64 differs somewhere (the comparison is live)");
  taped.forEach((t) => t.dispose());
  model.dispose();
  frozen.dispose();
});

test("model file keeps field=atoms and the minimal basis; grid models write no field key", () => {
  const table = { H1s0: 0, C1s0: 1 };
  const config: QdfConfig = {
    basisSet: "minimal", field: "atoms", radius: 0.75, gridInterval: 0.3, dim: 4, layerFunctional: 1, hiddenHK: 3, layerHK: 1,
    operation: "sum", property: "E", orbitalDict: table, outputs: 1,
  };
  const w = initialWeights(config, new Rng(1));
  assert.equal(readModelFile(writeModelFile({ config, weights: w })).config, config);
  const { field: _, ...grid } = config;
  const back = readModelFile(writeModelFile({ config: { ...grid, basisSet: "6-31G" }, weights: w })).config;
  assert.not.ok("field" in back);
});

test.run();
