// The web page in real headless Chromium: load a model, paste molecules, predict in workers; numbers match the Node CLI.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, sharedPath } from "../shared.js";
import { builtFolder, launch, serve } from "./harness.js";

const modelPath = sharedPath("reference", "pretrained_under14.safetensors");
const fixture = join(repoRoot, "test", "fixtures", "browser-molecules.txt");

/** The CLI's predictions for the fixture (in-process, --workers 0): id -> predicted, and the MAE it reports. */
function cliPredictions(): { predicted: Map<string, number>; mae: number; stderr: string } {
  const run = spawnSync(process.execPath, [join(repoRoot, "bin", "qdf.js"), "predict", "--model", modelPath, fixture, "--workers", "0"],
    { encoding: "utf8" });
  assert.is(run.status, 1, `the fixture has one bad molecule, so exit code 1; stderr: ${run.stderr}`);
  const predicted = new Map<string, number>();
  for (const line of run.stdout.trim().split("\n").slice(1)) {
    const [id, p] = line.split("\t");
    predicted.set(id!, Number(p));
  }
  const mae = Number(/MAE (\S+)/.exec(run.stderr)?.[1]);
  return { predicted, mae, stderr: run.stderr };
}

test("the page predicts the fixture in workers, like the CLI to 1e-5, with the bad molecule's error in its row", async () => {
  const root = builtFolder("page", "npm run build");
  const cli = cliPredictions();
  assert.is(cli.predicted.size, 5);
  // The browser first: when it can't start, the test fails with launch()'s message and nothing is left open (a
  // server started before a failed launch kept the whole test run from ever exiting).
  const browser = await launch();
  let opened: Awaited<ReturnType<typeof serve>> | undefined;
  try {
    const server = opened = await serve(root, { "/test-model.safetensors": modelPath });
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()} (${m.location().url})`); });
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
    // Offline: nothing but the local server (and data:/blob: URLs) may be asked for anything.
    page.on("request", (r) => { if (!/^(data:|blob:)/.test(r.url()) && !r.url().startsWith(server.url)) problems.push(`network: ${r.url()}`); });
    // No model shipped in models/ yet (or none listed): the page asks for one. With one listed, it is preloaded.
    await page.goto(server.url);
    await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
    const listed = JSON.parse(readFileSync(join(root, "models", "index.json"), "utf8")) as string[];
    if (listed.length === 0) assert.match((await page.textContent("#modelStatus"))!, /choose a \.safetensors file/);
    else assert.match((await page.textContent("#modelStatus"))!, /^qdf-qm9-under14\.safetensors: atomization energy/, "the default model");
    // Preloaded by ?model= (the shipped model, models/*.safetensors, is preloaded the same way from models/index.json).
    await page.goto(`${server.url}?model=test-model.safetensors`);
    await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
    assert.match((await page.textContent("#modelStatus"))!, /^test-model\.safetensors: atomization energy \(eV\)/);
    // And chosen with the file input.
    await page.setInputFiles("#modelFile", modelPath);
    await page.waitForFunction(() => document.getElementById("modelStatus")!.textContent!.startsWith("pretrained_under14"), null, { timeout: 30_000 });
    await page.fill("#molecules", readFileSync(fixture, "utf8"));
    await page.click("#predict");
    await page.waitForSelector("body[data-state=done], body[data-state=error]", { timeout: 120_000 });
    const status = await page.textContent("#status");
    assert.is(await page.getAttribute("body", "data-state"), "done", `status: ${status}`);

    const rows = await page.$$eval("#results tbody tr", (trs) => trs.map((tr) => ({
      id: (tr as HTMLElement).dataset.id!,
      predicted: tr.querySelector("td[data-values]")?.getAttribute("data-values") ?? null,
      error: tr.querySelector("td.error")?.textContent ?? null,
    })));
    assert.equal(rows.map((r) => r.id), [...cli.predicted.keys(), "silane_unseen_element"], "rows in input order");
    for (const r of rows.slice(0, 5)) {
      const want = cli.predicted.get(r.id)!;
      assert.ok(r.predicted !== null && Math.abs(Number(r.predicted) - want) <= 1e-5, `${r.id}: page ${r.predicted}, CLI ${want}`);
      assert.is(r.error, null);
    }
    assert.ok(rows[5]!.error?.includes("Si"), `the silane row shows its error: ${rows[5]!.error}`);
    assert.is(rows[5]!.predicted, null);
    const mae = Number(await page.getAttribute("#summary", "data-mae"));
    assert.ok(Math.abs(mae - cli.mae) <= 1e-5, `MAE page ${mae}, CLI ${cli.mae}`);
    assert.ok((await page.textContent("#summary"))!.includes("eV"));
    assert.ok(!(await page.isDisabled("#download")), "TSV download enabled");
    assert.is(await page.$eval("#progress", (p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max].join("/")), "6/6");

    // xyz input without true values: predicted only, the true/error columns hidden.
    await page.fill("#molecules", readFileSync(join(repoRoot, "test", "fixtures", "water.xyz"), "utf8"));
    await page.click("#predict");
    await page.waitForSelector("body[data-state=done]", { timeout: 60_000 });
    assert.is(await page.$$eval("#results tbody tr td[data-values]", (tds) => tds.length), 1);
    assert.ok(await page.$eval("#results", (t) => t.classList.contains("no-true")));
    assert.is(await page.textContent("#summary"), "");

    // Back to the fixture for the screenshot.
    await page.fill("#molecules", readFileSync(fixture, "utf8"));
    await page.click("#predict");
    await page.waitForSelector("body[data-state=done]", { timeout: 60_000 });
    mkdirSync(join(repoRoot, "artifacts"), { recursive: true });
    await page.screenshot({ path: join(repoRoot, "artifacts", "browser-page.png"), fullPage: true });
    assert.equal(problems, [], "no page errors, console errors or failed requests");
  } finally {
    await browser.close();
    await opened?.close();
  }
});

test.run();
