// Every intermediate of the forward pass against the authors' PyTorch values (1e-4 relative, 1e-5 absolute near 0).
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "#tfjs-core";
import { parseMolecules } from "../../src/chem/parse.js";
import { featurize } from "../../src/model/features.js";
import { densityColumn } from "../../src/model/hkMap.js";
import { sharedPath } from "../shared.js";
import { closeTo, pretrainedModel, referenceIntermediates } from "./reference.js";

const model = await pretrainedModel();
const refs = referenceIntermediates();
const { molecules, errors } = parseMolecules(
  readFileSync(sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "test.txt"), "utf8"));
assert.is(errors.length, 0);

test("the five reference molecules are the test set's, in order", () => {
  assert.equal(molecules.map((m) => m.id), refs.map((r) => r.id));
});

refs.forEach((ref, i) => {
  test(`${ref.id}: field, orbitals, distances, basis, MOs, density, V, HK map, functional, E`, () => {
    const f = featurize(molecules[i]!, model.ctx, true);
    assert.is(f.nAtoms, ref.n_atoms);
    assert.is(f.nField, ref.n_field);
    assert.equal(Array.from(f.orbitalIndex), ref.orbital_indices);
    assert.equal(Array.from(f.q), ref.quantum_numbers);
    assert.is(f.nElectrons, ref.n_electrons);
    const nOrb = f.q.length;
    // featurize centres the molecule on its centroid (f.origin): the reference's points are in the input's frame.
    closeTo(f.field.subarray(0, 15).map((v, j) => v + f.origin[j % 3]!), ref.field_first5.flat(), "field points");
    closeTo(f.dist.subarray(0, 5 * nOrb), ref.distance_first5.flat(), "distances");
    closeTo(f.potential!, ref.potential_V, "true potential V");

    const [basis, psi, rho, vPred, reduced, energy] = tf.tidy(() => {
      const psis = model.lcao([f], false);
      const b = model.lcao([f], true); // the differentiable path must agree too
      return [
        tf.slice(model.basisMatrix(f), [0, 0], [5, nOrb]),
        tf.concat([psis[0]!, b[0]!], 1),
        densityColumn(psis[0]!),
        model.potential(psis[0]!),
        model.functional(psis),
        model.energy(psis),
      ];
    }).map((t) => { const d = t.dataSync() as Float32Array; t.dispose(); return d; });
    closeTo(basis!, ref.basis_first5.flat(), "basis values");
    const D = model.config.dim;
    const rowsConst = Array.from({ length: 2 }, (_, p) => Array.from(psi!.subarray(p * 2 * D, p * 2 * D + D))).flat();
    const rowsDiff = Array.from({ length: 2 }, (_, p) => Array.from(psi!.subarray(p * 2 * D + D, (p + 1) * 2 * D))).flat();
    closeTo(rowsConst, ref.mo_first2.flat(), "MO rows");
    closeTo(rowsDiff, ref.mo_first2.flat(), "MO rows (differentiable path)");
    let sq = 0;
    for (let p = 0; p < f.nField; p++) for (let k = 0; k < D; k++) sq += psi![p * 2 * D + k]! ** 2;
    closeTo([sq], [ref.mo_sq_sum], "sum of psi^2");
    closeTo(rho!, ref.density, "density (tfjs)");
    closeTo(vPred!.subarray(0, 10), ref.potential_pred_first10, "HK map V_pred");
    closeTo(reduced!.subarray(0, 10), ref.functional_out_first10, "reduced functional output");
    closeTo(energy!, ref.E_pred, "E");
    closeTo(model.predict([f]), ref.E_pred, "E (fast prediction path)");
  });
});

test.run();
