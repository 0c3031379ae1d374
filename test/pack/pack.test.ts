// npm pack, install the tarball into a fresh folder with no registry at all (an empty npm cache works), and run it there.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { repoRoot, sharedPath } from "../shared.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const modelPath = sharedPath("reference", "pretrained_under14.safetensors");
const fixture = join(repoRoot, "test", "fixtures", "browser-molecules.txt");

function sh(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 180_000, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}): ${r.stderr}\n${r.stdout}`);
  return String(r.stdout);
}

/** Folders of this checkout's installed production dependencies, transitive ones included (nested ones too). */
function productionDependencies(): string[] {
  const dirs = sh(npm, ["ls", "--omit=dev", "--all", "--parseable"], { cwd: repoRoot }).trim().split("\n").slice(1);
  assert.ok(dirs.some((d) => d.endsWith(join("node_modules", "comlink"))), `npm ls lists the dependencies: ${dirs.join(", ")}`);
  return dirs;
}

test("the packed package installs with no registry and its qdf predict and library work", () => {
  for (const built of ["dist/node/cli.js", "dist/node/workerNode.js", "dist/browser/index.js", "dist/src/index.d.ts"]) {
    if (!existsSync(join(repoRoot, built))) throw new Error(`${built} is missing: run npm run build first`);
  }
  const tmp = mkdtempSync(join(tmpdir(), "qdf-pack-"));
  try {
    // --ignore-scripts: pack what is built (prepare would rebuild everything).
    sh(npm, ["pack", "--ignore-scripts", "--pack-destination", tmp], { cwd: repoRoot });
    const tarball = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
    assert.ok(tarball, "npm pack made a .tgz");

    const app = join(tmp, "app");
    sh("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "qdf-pack-test", private: true, type: "module" }));
    // The dependencies come from this checkout's node_modules: its production closure (what npm ls lists without
    // dev dependencies) is copied into the app first, so npm finds every dependency installed and has nothing to
    // fetch. The registry is an address where nothing listens: any request would fail the install, so this also
    // proves that nothing is downloaded, and it works from an empty npm cache (npm ci keeps no registry metadata).
    for (const dir of productionDependencies()) cpSync(dir, join(app, relative(repoRoot, dir)), { recursive: true });
    sh(npm, ["install", "--no-audit", "--no-fund", "--registry", "http://127.0.0.1:9/", "--fetch-retries", "0", join(tmp, tarball!)],
      { cwd: app });

    const installed = join(app, "node_modules", "qdf-wasm");
    assert.ok(existsSync(join(installed, "dist", "browser", "tfjs-backend-wasm-simd.wasm")), "browser wasm assets shipped");
    assert.not.ok(existsSync(join(installed, "test")), "tests are not shipped");

    // The installed command, with its default worker pool, must print what this checkout's CLI prints.
    const qdf = join(app, "node_modules", ".bin", "qdf");
    // No --model: the default, the published model shipped inside the package (the same numbers as ../shared's copy).
    const got = spawnSync(qdf, ["predict", fixture], { cwd: app, encoding: "utf8", timeout: 120_000 });
    const want = spawnSync(process.execPath, [join(repoRoot, "bin", "qdf.js"), "predict", "--model", modelPath, fixture, "--workers", "0"],
      { encoding: "utf8" });
    assert.is(got.status, 1, `exit 1 for the fixture's bad molecule; stderr: ${got.stderr}`);
    assert.is(got.stdout, want.stdout);
    assert.match(got.stderr, /MAE 0\.0301/);

    const listed = spawnSync(qdf, ["models"], { cwd: app, encoding: "utf8" });
    assert.is(listed.status, 0, listed.stderr);
    assert.ok(listed.stdout.includes(join(installed, "models", "qdf-qm9-under14.safetensors")), listed.stdout);

    // The library by package name, in workers, and its default model found inside the installed package.
    const script = `
      import { readFileSync } from "node:fs";
      import { defaultModelPath, loadDefaultModel, parseMolecules, predict, predictInWorkers } from "qdf-wasm";
      const { molecules } = parseMolecules(readFileSync(${JSON.stringify(fixture)}, "utf8"));
      const out = [];
      for await (const r of predictInWorkers(readFileSync(${JSON.stringify(modelPath)}), molecules, { workers: 2 })) out.push(r.predicted?.[0]);
      const model = await loadDefaultModel();
      console.log(JSON.stringify({ out, path: defaultModelPath(), first: predict(model, molecules.slice(0, 1))[0].predicted[0] }));`;
    const lib = JSON.parse(sh(process.execPath, ["--input-type=module", "-e", script], { cwd: app })) as
      { out: (number | null)[]; path: string; first: number };
    assert.is(lib.out.length, 6);
    // The CLI prints 6 decimals of eV (predicted_eV, the table's 6th column).
    assert.ok(Math.abs(lib.out[0]! - Number(want.stdout.split("\n")[1]!.split("\t")[5])) <= 5e-7, `${lib.out[0]} vs the CLI's`);
    assert.is(lib.path, join(installed, "models", "qdf-qm9-under14.safetensors"));
    assert.is(lib.first, lib.out[0]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
