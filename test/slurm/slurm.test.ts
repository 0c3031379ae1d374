// examples/slurm on a real one-node Slurm cluster started here (munged, slurmctld, slurmd): the merged shards equal one run.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { repoRoot, sharedPath } from "../shared.js";
import { qdf } from "../cli/run.js";

const SHARDS = 3;
/** Bounds on every wait: the daemons' start, the jobs, one command. */
const START_S = 60, JOBS_S = 300, COMMAND_S = 30;
const MODEL = sharedPath("reference", "pretrained_under14.safetensors");

/** A TCP port nobody listens on now (the cluster's two daemons need one each). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutS = COMMAND_S) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, env, encoding: "utf8", timeout: timeoutS * 1000 });
  return { code: r.status ?? -1, out: r.stdout ?? "", err: `${r.stderr ?? ""}${r.error ? `\n${r.error.message}` : ""}` };
}

/** The daemons' and jobs' logs, for a failure message. */
function logs(dir: string): string {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".log")).map((e) => join(e.parentPath, e.name));
  return files.map((f) => `--- ${f}\n${readFileSync(f, "utf8").split("\n").slice(-12).join("\n")}`).join("\n");
}

test(`sbatch array of ${SHARDS} shards + afterok merge job: the table one qdf predict run writes`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "qdf-slurm-"));
  const script = join(repoRoot, "test", "slurm", "cluster.sh");
  const env = { ...process.env, PATH: `${process.env.PATH}:/usr/sbin`, SLURM_CONF: join(dir, "slurm.conf"),
    QDF: `${process.execPath} ${join(repoRoot, "bin", "qdf.js")}` };
  // Two inputs, one gzipped: 34 + 10 molecules, so every shard has molecules from both.
  const inputs = [join(dir, "train.txt.gz"), join(dir, "demo.txt")];
  writeFileSync(inputs[0]!, gzipSync(readFileSync(sharedPath("data", "QM9under7atoms_atomizationenergy_eV", "train.txt"))));
  copyFileSync(sharedPath("data", "demo", "input.txt"), inputs[1]!);
  const started = run("bash", [script, "start", dir, String(await freePort()), String(await freePort())], env, START_S);
  try {
    assert.is(started.code, 0, `the Slurm cluster did not start (Debian's slurm-wlm and munge, as root: .ci/run installs them):\n${started.err}`);
    const outdir = join(dir, "out");
    mkdirSync(outdir);
    const submit = run("bash", [join(repoRoot, "examples", "slurm", "submit.sh"), String(SHARDS), MODEL, outdir, ...inputs], env);
    assert.is(submit.code, 0, `submit.sh failed: ${submit.err}`);
    const ids = submit.out.trim().split(/\s+/);
    assert.is(ids.length, 2, `submit.sh printed "${submit.out}"`);
    const until = Date.now() + JOBS_S * 1000;
    for (;;) {
      const q = run("squeue", ["-h", "-j", ids.join(","), "-o", "%i %T %r"], env);
      if (q.code === 0 && q.out.trim() === "") break;
      if (Date.now() > until) assert.unreachable(`jobs not done after ${JOBS_S} s: ${q.out}${q.err}\n${logs(dir)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const merged = join(outdir, "predictions.tsv");
    assert.ok(existsSync(merged), `no merged table (the merge job did not run or failed):\n${logs(dir)}`);
    for (let k = 0; k < SHARDS; k++) assert.ok(existsSync(join(outdir, `shard-${k}-of-${SHARDS}.tsv`)), `shard ${k}`);
    const single = qdf(["predict", "--model", MODEL, ...inputs]);
    assert.is(single.code, 0, single.stderr);
    assert.is(single.stdout.trim().split("\n").length, 1 + 34 + 10);
    assert.is(readFileSync(merged, "utf8"), single.stdout);
  } finally {
    const stopped = run("bash", [script, "stop", dir], env);
    assert.is(stopped.code, 0, `cluster.sh stop: ${stopped.err}`);
  }
});

test.run();
