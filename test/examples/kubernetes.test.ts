// examples/kubernetes/predict-job.yaml: its container command, with JOB_COMPLETION_INDEX filled in, runs as a qdf shard.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { repoRoot, sharedPath } from "../shared.js";
import { qdf } from "../cli/run.js";

test("the Indexed Job's args run qdf predict --shard K/N for completion index K; the merge Job's command merges", () => {
  const yaml = readFileSync(join(repoRoot, "examples", "kubernetes", "predict-job.yaml"), "utf8");
  assert.match(yaml, /completionMode: Indexed/);
  const completions = Number(/completions: (\d+)/.exec(yaml)![1]);
  assert.is(/command: \["qdf"\]/.test(yaml), true);
  // The args are a YAML flow sequence of double-quoted strings: JSON.
  const args = JSON.parse(/^\s*args: (\[.*\])$/m.exec(yaml)![1]!) as string[];
  const data = mkdtempSync(join(tmpdir(), "qdf-k8s-"));
  mkdirSync(join(data, "out"));
  copyFileSync(sharedPath("reference", "pretrained_under14.safetensors"), join(data, "model.safetensors"));
  writeFileSync(join(data, "library.txt.gz"), gzipSync(readFileSync(sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "train.txt"))));
  const shardFiles: string[] = [];
  for (let k = 0; k < completions; k++) {
    const argv = args.map((a) => a.replaceAll("$(JOB_COMPLETION_INDEX)", String(k)).replaceAll("/data", data));
    assert.ok(argv.includes(`${k}/${completions}`), `--shard ${k}/${completions} in ${argv.join(" ")}`);
    const r = qdf([...argv, "--workers", "0"]); // the last --workers wins: one process per shard here
    assert.is(r.code, 0, r.stderr);
    shardFiles.push(join(data, "out", `shard-${k}-of-${completions}.tsv`));
  }
  const merge = readFileSync(join(repoRoot, "examples", "kubernetes", "merge-job.yaml"), "utf8");
  assert.match(merge, /qdf merge \/data\/out\/predictions\.tsv \/data\/out\/shard-\*-of-8\.tsv/);
  const r = qdf(["merge", join(data, "out", "predictions.tsv"), ...shardFiles]);
  assert.is(r.code, 0, r.stderr);
  const single = qdf(["predict", "--model", join(data, "model.safetensors"), "--workers", "0", join(data, "library.txt.gz")]);
  assert.is(readFileSync(join(data, "out", "predictions.tsv"), "utf8"), single.stdout);
});

test.run();
