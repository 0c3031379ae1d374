// Prediction's basis (from field points and each orbital's nucleus) is training's (from the distances) bit for bit
// on val molecules: the features carry the right nucleus for every orbital.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseMolecules } from "../../src/chem/parse.js";
import { featurize } from "../../src/model/features.js";
import { basisFrozen, orbitalZeta } from "../../src/model/basis.js";
import { basisValues } from "../../src/kernels/basis.js";
import { readModelFile } from "../../src/model/modelFile.js";
import { sharedPath } from "../shared.js";
import { PRETRAINED, pretrainedModel } from "./reference.js";

const model = await pretrainedModel();
const zeta = readModelFile(readFileSync(PRETRAINED)).weights.get("zeta.weight")!.data;
const val = sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt");
const molecules = parseMolecules(readFileSync(val, "utf8"), { fileName: val }).molecules.slice(0, 40);

test("basisFrozen equals basisValues of the distances, bit for bit, on 40 val molecules", () => {
  for (const m of molecules) {
    const f = featurize(m, model.ctx);
    const z = orbitalZeta(f, zeta);
    const fromPoints = basisFrozen(f, zeta), fromDistances = basisValues(f.dist, f.q, z, f.nField);
    assert.is(fromPoints.values.length, f.nField * f.q.length, m.id);
    for (let i = 0; i < fromPoints.values.length; i++) {
      if (!Object.is(fromPoints.values[i], fromDistances.values[i])) {
        assert.unreachable(`${m.id}: value ${i}: ${fromPoints.values[i]} vs ${fromDistances.values[i]}`);
      }
    }
    for (let o = 0; o < f.q.length; o++) assert.ok(Object.is(fromPoints.norms[o], fromDistances.norms[o]), `${m.id}: norm ${o}`);
  }
});

test.run();
