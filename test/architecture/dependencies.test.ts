// The dependency direction of src/ (dependencyRules.ts), and the one adapter to tfjs-backend-wasm's internals.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import { cruiseOptions, forbidden } from "./dependencyRules.js";
import { repoRoot } from "../shared.js";

async function violations(paths: string[]): Promise<string[]> {
  const out = await cruise(paths, { ...cruiseOptions, validate: true, ruleSet: { forbidden }, baseDir: repoRoot },
    {}, { tsConfig: { fileName: join(repoRoot, "tsconfig.json") } });
  const result = out.output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(" -> ")})` : ""}`);
}

test("src/ keeps its dependency direction and has no import cycle", async () => {
  const found = await violations(["src"]);
  assert.equal(found, [], found.join("\n"));
});

test("the rules catch a cycle (two fixture modules importing each other)", async () => {
  const found = await violations(["test/fixtures/dependency-cycle"]);
  assert.ok(found.some((v) => v.startsWith("no-circular:")), `no cycle reported: ${found.join("; ")}`);
});

test("the browser bundles never name onnxruntime-node (the native engine is Node's alone)", () => {
  for (const dir of ["browser", "page"]) {
    const files = readdirSync(join(repoRoot, "dist", dir)).filter((f) => f.endsWith(".js"));
    assert.ok(files.length > 0, `dist/${dir} has no bundle: npm run build first`);
    for (const f of files) assert.not.ok(readFileSync(join(repoRoot, "dist", dir, f), "utf8").includes("onnxruntime"), `dist/${dir}/${f}`);
  }
});

test("only src/kernels/tfjsWasmHeap.ts reaches into tfjs-backend-wasm's internals", () => {
  const internals = /dataIdMap|memoryOffset|makeOutput|asm\??\.memory|_FusedMatMul/;
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts") && internals.test(readFileSync(p, "utf8"))) offenders.push(relative(repoRoot, p));
    }
  };
  walk(join(repoRoot, "src"));
  assert.equal(offenders, [join("src", "kernels", "tfjsWasmHeap.ts")]);
});

test.run();
