// Training parity with the reference trajectories: per-step losses, final weights and predictions of the trained model.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readModelFile } from "../../src/model/modelFile.js";
import { repoRoot, sharedPath } from "../shared.js";
import { runReference, runReferenceEpochs, type Trajectory, weightErrors } from "./parityHelper.js";

async function parity(name: string, dataset: string, stepTol: number): Promise<void> {
  const r = await runReference(name, dataset);
  try {
    assert.is(r.steps.length, r.traj.steps.length, "number of steps");
    let worst = 0;
    r.steps.forEach((s, i) => {
      const t = r.traj.steps[i]!;
      for (const [ours, ref, what] of [[s.lossE, t.loss_E, "loss_E"], [s.lossV, t.loss_V, "loss_V"]] as const) {
        const rel = Math.abs(ours - ref) / Math.abs(ref);
        worst = Math.max(worst, rel);
        assert.ok(rel <= stepTol, `${name} step ${i} (epoch ${t.epoch} batch ${t.batch}) ${what}: ${ours} vs ${ref} (rel ${rel.toExponential(2)})`);
      }
    });
    for (const [tensor, err] of weightErrors(r.model.weights(), r.final.weights)) {
      assert.ok(err <= 1e-3, `${name}: final ${tensor} differs by ${err.toExponential(2)} of its max magnitude`);
    }
    for (const split of ["val", "test"] as const) {
      const ours = r.trainer.evaluate(r.data[split]).results;
      r.traj.predictions[split].forEach(([id, ...ref], i) => {
        assert.is(ours[i]!.id, id);
        ref.forEach((v, k) => assert.ok(Math.abs(ours[i]!.predicted![k]! - v) <= 1e-2, `${name} ${split} ${id}[${k}]: ${ours[i]!.predicted![k]} vs ${v}`));
      });
    }
    console.log(`  ${name}: ${r.steps.length} steps, worst loss rel. error ${worst.toExponential(2)}`);
  } finally {
    r.model.dispose();
  }
}

test("train_under7_small: every step's loss_E / loss_V within 1e-3, final weights, predictions", async () => {
  await parity("train_under7_small", "QM9under7atoms_atomizationenergy_eV", 1e-3);
});

test("train_under7homolumo_small (2 outputs, mean readout): every step within 1e-3", async () => {
  await parity("train_under7homolumo_small", "QM9under7atoms_homolumo_eV", 1e-3);
});

test("train_under7_full (published sizes): every step within 1e-2, final weights within 1e-3", async () => {
  await parity("train_under7_full", "QM9under7atoms_atomizationenergy_eV", 1e-2);
});

test("qdf train --init --no-shuffle (the CLI): final weights, per-epoch summed losses and prediction TSVs match", () => {
  const dir = mkdtempSync(join(tmpdir(), "qdf-parity-"));
  try {
    const out = join(dir, "small.safetensors");
    const r = spawnSync(process.execPath, [join(repoRoot, "bin", "qdf.js"), "train", "--data", sharedPath("data", "QM9under7atoms_atomizationenergy_eV"),
      "--init", sharedPath("reference", "train_under7_small_init.safetensors"), "--no-shuffle", "--lr", "1e-3", "--epochs", "3", "--out", out], { encoding: "utf8" });
    assert.is(r.status, 0, r.stderr);
    const traj = JSON.parse(readFileSync(sharedPath("reference", "train_under7_small_trajectory.json"), "utf8")) as Trajectory;
    const final = readModelFile(new Uint8Array(readFileSync(sharedPath("reference", "train_under7_small_final.safetensors"))));
    for (const [tensor, err] of weightErrors(readModelFile(new Uint8Array(readFileSync(out))).weights, final.weights)) {
      assert.ok(err <= 1e-3, `final ${tensor} differs by ${err.toExponential(2)} of its max magnitude`);
    }
    const rows = readFileSync(join(dir, "small.log.tsv"), "utf8").trim().split("\n").slice(1).map((l) => l.split("\t").map(Number));
    assert.is(rows.length, 3);
    rows.forEach(([epoch, , lossE, lossV]) => {
      const steps = traj.steps.filter((s) => s.epoch === epoch);
      const e = steps.reduce((a, s) => a + s.loss_E, 0), v = steps.reduce((a, s) => a + s.loss_V, 0);
      assert.ok(Math.abs(lossE! - e) / e < 1e-3 && Math.abs(lossV! - v) / v < 1e-3, `epoch ${epoch}: ${lossE}, ${lossV} vs ${e}, ${v}`);
    });
    for (const split of ["val", "test"] as const) {
      const lines = readFileSync(join(dir, `small.${split}.tsv`), "utf8").trim().split("\n");
      assert.is(lines[0], "file\tline\tid\tatoms\tformula\tpredicted_eV\ttrue_eV\tabs_error_eV\terror\twarnings");
      traj.predictions[split].forEach(([id, ref], i) => {
        const [, , gotId, , , pred] = lines[i + 1]!.split("\t");
        assert.is(gotId, id);
        assert.ok(Math.abs(Number(pred) - (ref as number)) <= 1e-2, `${split} ${id}: ${pred} vs ${ref}`);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("no tensors leak across epochs", async () => {
  const { model, counts } = await runReferenceEpochs("train_under7_small", "QM9under7atoms_atomizationenergy_eV", 3);
  model.dispose();
  assert.ok(counts[1] === counts[0] && counts[2] === counts[0], `tensor counts after each epoch: ${counts.join(", ")}`);
});

test.run();
