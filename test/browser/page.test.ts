// The web page in real headless Chromium: models, molecules, predictions in workers matching the Node CLI, the parity
// plot, and the clicked molecule in 3D with its density isosurface (the same cube as `qdf density`).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Page } from "playwright-core";
import { readCube } from "../../src/io/cube.js";
import { formatValue, outputUnit } from "../../src/io/units.js";
import { repoRoot, sharedPath } from "../shared.js";
import { builtFolder, launch, pixelCounts, serve } from "./harness.js";

const modelPath = sharedPath("reference", "pretrained_under14.safetensors");
const fixture = join(repoRoot, "test", "fixtures", "browser-molecules.txt");
const qdf = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, "bin", "qdf.js"), ...args], { encoding: "utf8" });
/** The hue of the page's isosurface (#2b7bba: 206 degrees), away from 3Dmol's atom colours (N is 230, O 0, C grey). */
const SURFACE_HUE: [number, number] = [195, 218];

/** The CLI's predictions for the fixture (in-process, --workers 0): id -> predicted, and the MAE it reports. */
function cliPredictions(): { predicted: Map<string, number>; mae: number } {
  const run = qdf("predict", "--model", modelPath, fixture, "--workers", "0");
  assert.is(run.status, 1, `the fixture has one bad molecule, so exit code 1; stderr: ${run.stderr}`);
  const predicted = new Map<string, number>();
  for (const row of table(run.stdout)) if (!row.error) predicted.set(row.id!, Number(row.predicted_eV));
  return { predicted, mae: Number(/MAE (\S+)/.exec(run.stderr)?.[1]) };
}

/** A TSV table `qdf predict` printed, as one record per row keyed by column name. */
function table(tsv: string): Record<string, string>[] {
  const [head, ...rows] = tsv.replace(/\n$/, "").split("\n").map((l) => l.split("\t"));
  return rows.map((row) => Object.fromEntries(head!.map((name, i) => [name, row[i] ?? ""])));
}

/** `qdf density --units electrons`'s rho cube for the fixture's molecule `id`. */
function cliCube(id: string, tmp: string): string {
  const blocks = readFileSync(fixture, "utf8").split(/\n\s*\n/);
  const input = join(tmp, "one.txt");
  writeFileSync(input, `${blocks.find((b) => b.trim().startsWith(id))!.trim()}\n`);
  const run = qdf("density", "--model", modelPath, input, "--units", "electrons", "--out", join(tmp, "cubes"));
  assert.is(run.status, 0, `qdf density: ${run.stderr}`);
  return readFileSync(join(tmp, "cubes", `${id}.rho.cube`), "utf8");
}

/** Waits for the 3D panel to finish the molecule `id` (its density drawn, or its error shown). */
async function viewerDone(page: Page, id: string): Promise<string> {
  await page.waitForFunction((want) => {
    const v = document.getElementById("viewer")!;
    return v.dataset.molecule === want && (v.dataset.state === "done" || v.dataset.state === "error");
  }, id, { timeout: 60_000 });
  return (await page.getAttribute("#viewer", "data-state"))!;
}

async function predictText(page: Page, text: string): Promise<void> {
  await page.fill("#molecules", text);
  await page.click("#predict");
  await page.waitForSelector("body[data-state=done], body[data-state=error]", { timeout: 120_000 });
  assert.is(await page.getAttribute("body", "data-state"), "done", `status: ${await page.textContent("#status")}`);
}

test("the page predicts like the CLI, plots predicted against true, and draws the clicked molecule's density in 3D", async () => {
  const root = builtFolder("page", "npm run build");
  const cli = cliPredictions();
  assert.is(cli.predicted.size, 5);
  // The browser first: when it can't start, the test fails with launch()'s message and nothing is left open (a
  // server started before a failed launch kept the whole test run from ever exiting).
  const browser = await launch();
  let opened: Awaited<ReturnType<typeof serve>> | undefined;
  const tmp = mkdtempSync(join(tmpdir(), "qdf-page-"));
  try {
    const server = opened = await serve(root, { "/test-model.safetensors": modelPath });
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1240, height: 900 });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()} (${m.location().url})`); });
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
    // Offline: nothing but the local server (and data:/blob: URLs) may be asked for anything.
    page.on("request", (r) => { if (!/^(data:|blob:)/.test(r.url()) && !r.url().startsWith(server.url)) problems.push(`network: ${r.url()}`); });

    // The default: the build lists the shipped models, the default first; the page ticks that one only.
    await page.goto(server.url);
    await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
    const listed = JSON.parse(readFileSync(join(root, "models", "index.json"), "utf8")) as string[];
    assert.ok(listed.length > 0, "models/ ships a model");
    const catalogue = join(repoRoot, "models", "models.json");
    if (existsSync(catalogue)) {
      const def = (JSON.parse(readFileSync(catalogue, "utf8")) as { file: string; default?: boolean }[]).find((m) => m.default);
      assert.is(basename(listed[0]!), def?.file, "the default model is listed first");
    }
    assert.is(basename(listed[0]!), "qdf-qm9-under14.safetensors", "the published model is the page's default");
    assert.match((await page.textContent("#modelStatus"))!, new RegExp(`^${basename(listed[0]!).replace(/\./g, "\\.")}: atomization energy`));
    assert.equal(await page.$$eval("#models input:checked", (bs) => bs.map((b) => (b as HTMLElement).dataset.model)), [basename(listed[0]!)]);

    // An ensemble of the two shipped models, as `qdf predict --model A --model B`: mean, std, warnings (a lone H atom).
    await page.check(`#models input[data-model="qdf-small.safetensors"]`);
    assert.match((await page.textContent("#modelStatus"))!, /^ensemble of 2 models/);
    const ensembleInput = join(tmp, "ensemble.txt");
    writeFileSync(ensembleInput, `${readFileSync(fixture, "utf8").trimEnd()}\n\nlone_hydrogen\nH 0. 0. 0.\n0.0\n`);
    const cliEnsemble = table(qdf("predict", "--model", join(repoRoot, listed[0]!), "--model", join(repoRoot, "models", "qdf-small.safetensors"),
      ensembleInput, "--workers", "0").stdout);
    await predictText(page, readFileSync(ensembleInput, "utf8"));
    const pageEnsemble = await page.$$eval("#results tbody tr", (trs) => trs.map((tr) => ({
      id: (tr as HTMLElement).dataset.id!,
      predicted: tr.querySelector("td.c-pred")!.getAttribute("data-values"),
      std: tr.querySelector("td.c-std")!.getAttribute("data-values"),
      notes: tr.querySelector("td.c-notes")!.textContent,
    })));
    assert.equal(pageEnsemble.map((r) => r.id), cliEnsemble.map((r) => r.id));
    pageEnsemble.forEach((r, i) => {
      const want = cliEnsemble[i]!;
      if (want.error) { assert.is(r.predicted, null); assert.ok(r.notes!.includes("Si"), r.notes!); return; }
      assert.ok(Math.abs(Number(r.predicted) - Number(want.predicted_eV)) <= 1e-5, `${r.id}: mean ${r.predicted}, CLI ${want.predicted_eV}`);
      assert.ok(Math.abs(Number(r.std) - Number(want.std_eV)) <= 1e-5, `${r.id}: std ${r.std}, CLI ${want.std_eV}`);
      assert.is(r.notes, want.warnings, `${r.id}: the CLI's warnings`);
    });
    assert.match(cliEnsemble[6]!.warnings!, /single atom/, "the lone H is warned about");
    assert.is(await page.getAttribute("#parity", "data-points"), "6", "a point per molecule with a value and a true value");
    assert.ok(!(await page.$eval("#results", (t) => t.classList.contains("no-std"))), "the std column is shown");
    mkdirSync(join(repoRoot, "artifacts"), { recursive: true });
    await page.screenshot({ path: join(repoRoot, "artifacts", "browser-page-ensemble.png"), fullPage: true });
    // Another unit: the table, the plot and the MAE follow, converted and rounded as the CLI's --unit.
    await page.selectOption("#unit", "kcal/mol");
    assert.match((await page.textContent("#results thead"))!, /predicted \(kcal\/mol\)/);
    const firstCell = await page.$eval("#results tbody tr td.c-pred", (td) => [td.textContent, td.getAttribute("data-values")]);
    assert.is(firstCell[0], formatValue(Number(firstCell[1]), outputUnit("atomization energy (eV)", "kcal/mol")));
    assert.match((await page.textContent("#parity"))!, /true \(kcal\/mol\)/);
    await page.selectOption("#unit", "eV");
    // --strict: the warned molecule gets an error instead of a value.
    await page.check("#strict");
    await predictText(page, readFileSync(ensembleInput, "utf8"));
    assert.match((await page.textContent(`#results tbody tr[data-index="6"] td.error`))!, /strict/);
    await page.uncheck("#strict");

    // The shipped 3D GCN, alone: it predicts on the page as `qdf predict` does, and a clicked molecule shows in 3D
    // with a note that a GCN has no density (no density worker is started for it, no error).
    const gcn = "gcn-ext-under15.safetensors";
    assert.ok(listed.map((l) => basename(l)).includes(gcn), "the page lists the shipped GCN");
    await page.uncheck(`#models input[data-model="qdf-small.safetensors"]`);
    await page.uncheck(`#models input[data-model="${basename(listed[0]!)}"]`);
    await page.check(`#models input[data-model="${gcn}"]`);
    assert.match((await page.textContent("#modelStatus"))!, /^gcn-ext-under15\.safetensors: total energy \(hartree\), 1 output\(s\), 3D GCN/);
    const gcnInput = join(tmp, "gcn.txt");
    const extTest = readFileSync(sharedPath("data", "ext_under15_totalenergy_hartree", "test.txt"), "utf8");
    writeFileSync(gcnInput, `${extTest.trim().split(/\n\s*\n/).slice(0, 4).join("\n\n")}\n`);
    const cliGcn = qdf("predict", "--model", join(repoRoot, "models", gcn), gcnInput, "--workers", "0");
    assert.is(cliGcn.status, 0, cliGcn.stderr);
    const cliGcnRows = table(cliGcn.stdout);
    await predictText(page, readFileSync(gcnInput, "utf8"));
    const gcnRows = await page.$$eval("#results tbody tr", (trs) => trs.map((tr) => ({
      id: (tr as HTMLElement).dataset.id!, predicted: Number(tr.querySelector("td.c-pred")!.getAttribute("data-values")),
    })));
    assert.equal(gcnRows.map((r) => r.id), cliGcnRows.map((r) => r.id));
    assert.is(gcnRows.length, 4);
    // Hartree: the CLI prints 6 decimals; the same float32 network and float64 atomref in both.
    gcnRows.forEach((r, i) => assert.ok(Math.abs(r.predicted - Number(cliGcnRows[i]!.predicted_hartree)) <= 2e-6,
      `${r.id}: page ${r.predicted}, CLI ${cliGcnRows[i]!.predicted_hartree}`));
    await page.click(`#results tbody tr[data-index="1"]`);
    assert.is(await viewerDone(page, gcnRows[1]!.id), "done");
    assert.match((await page.textContent("#densityStatus"))!, /no density: gcn-ext-under15\.safetensors is a 3D GCN/);
    assert.is(await page.getAttribute("#viewer", "data-surfaces"), "0", "no isosurface for a GCN");

    // ?model= preloads a model instead (here the published model from ../shared, which the CLI runs too).
    await page.goto(`${server.url}?model=test-model.safetensors`);
    await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
    assert.match((await page.textContent("#modelStatus"))!, /^test-model\.safetensors: atomization energy \(eV\)/);

    // xyz without true values: predicted only, no true/error columns, no parity plot.
    await predictText(page, readFileSync(join(repoRoot, "test", "fixtures", "water.xyz"), "utf8"));
    assert.is(await page.$$eval("#results tbody td.c-pred[data-values]", (tds) => tds.length), 1);
    assert.ok(await page.$eval("#results", (t) => t.classList.contains("no-true")));
    assert.is(await page.getAttribute("#parity", "data-points"), "0");
    assert.ok(await page.isVisible("#parityEmpty"), "the plot's placeholder says why there is no plot");
    assert.is(await page.textContent("#summary"), "");

    // SMILES: built in 3D in the page's workers (openchemlib, seeded), predicted close to the CLI's for the .smi file.
    const smi = join(tmp, "ethanol.smi");
    writeFileSync(smi, "CCO ethanol\n");
    const cliSmiles = qdf("predict", "--model", modelPath, smi, "--workers", "0");
    assert.is(cliSmiles.status, 0, cliSmiles.stderr);
    const cliEthanol = Number(table(cliSmiles.stdout)[0]!.predicted_eV);
    await page.selectOption("#format", "smiles");
    await predictText(page, "CCO ethanol\n");
    await page.selectOption("#format", "auto");
    const ethanol = await page.$eval("#results tbody tr", (tr) => ({
      id: (tr as HTMLElement).dataset.id, atoms: tr.querySelector("td.c-atoms")!.textContent,
      predicted: Number(tr.querySelector("td.c-pred")!.getAttribute("data-values")),
    }));
    assert.equal([ethanol.id, ethanol.atoms], ["ethanol", "9"]);
    // The embedding gives Node's bits in Chromium (src/chem/openchemlib*.ts), so the model's tolerance holds here too.
    assert.ok(Math.abs(ethanol.predicted - cliEthanol) <= 1e-5, `ethanol: page ${ethanol.predicted}, CLI ${cliEthanol}`);
    assert.is(await viewerDone(page, "ethanol"), "done", "the built molecule in 3D with its density");

    // The fixture: five molecules with true values and one with an element the model never saw.
    await predictText(page, readFileSync(fixture, "utf8"));
    const rows = await page.$$eval("#results tbody tr", (trs) => trs.map((tr) => ({
      id: (tr as HTMLElement).dataset.id!,
      predicted: tr.querySelector("td.c-pred")?.getAttribute("data-values") ?? null,
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
    assert.match((await page.textContent("#results thead"))!, /predicted \(eV\)/, "the unit in the header");
    assert.ok(!(await page.isDisabled("#download")), "TSV download enabled");
    assert.is(await page.$eval("#progress", (p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max].join("/")), "6/6");

    // The parity plot: a point per molecule with true values, at its (true, predicted).
    assert.is(await page.getAttribute("#parity", "data-points"), "5");
    const points = await page.$$eval("#parity circle.point", (cs) => cs.map((c) => ({
      index: Number((c as SVGElement).dataset.index), cx: Number(c.getAttribute("cx")), cy: Number(c.getAttribute("cy")),
    })));
    assert.is(points.length, 5);
    assert.equal(points.map((p) => p.index).sort(), [0, 1, 2, 3, 4]);
    assert.ok(!(await page.isVisible("#parityEmpty")));

    // After the run the first molecule is in 3D with its density; then a click on the third row shows that one.
    assert.is(await viewerDone(page, rows[0]!.id), "done", (await page.textContent("#densityStatus"))!);
    const third = rows[2]!.id;
    await page.click(`#results tbody tr[data-index="2"]`);
    assert.is(await viewerDone(page, third), "done", (await page.textContent("#densityStatus"))!);
    assert.ok(Number(await page.getAttribute("#viewer", "data-surfaces")) >= 1, "the isosurface is drawn");
    const atoms = await page.textContent(`#results tbody tr[data-index="2"] td.c-atoms`);
    assert.is(await page.getAttribute("#viewer", "data-atoms"), atoms);
    assert.ok(await page.$eval("#results tbody tr[data-index=\"2\"]", (tr) => tr.classList.contains("selected")));
    assert.is(await page.getAttribute("#parity circle.point[r=\"7\"]", "data-index"), "2", "the plot marks the selected molecule");
    const drawn = await pixelCounts(page, await page.locator("#viewer").screenshot(), SURFACE_HUE);
    assert.ok(drawn.nonWhite > drawn.total * 0.03, `the 3D canvas is not blank: ${drawn.nonWhite} of ${drawn.total} pixels drawn`);
    assert.ok(drawn.inHue > drawn.total * 0.01, `the isosurface's colour covers ${drawn.inHue} of ${drawn.total} pixels`);

    // The density is the model's, the same cube as `qdf density` to float32 rounding.
    const download = page.waitForEvent("download", { timeout: 10_000 });
    await page.click("#cubeDownload");
    const file = await download;
    assert.is(file.suggestedFilename(), `${third}.rho.cube`);
    const pageCube = readCube(readFileSync((await file.path())!, "utf8"));
    const want = readCube(cliCube(third, tmp));
    assert.equal(pageCube.shape, want.shape);
    let worst = 0, top = 0;
    want.values.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - pageCube.values[i]!)); top = Math.max(top, v); });
    assert.ok(worst <= 1e-5 * top, `page rho vs qdf density: max |diff| ${worst} (largest rho ${top})`);

    // A molecule the model can't take: shown, with the density's error and no surface; none of the surface's colour.
    await page.click("#parity circle.point[data-index=\"0\"]");
    assert.is(await viewerDone(page, rows[0]!.id), "done");
    await page.click(`#results tbody tr[data-index="5"]`);
    assert.is(await viewerDone(page, "silane_unseen_element"), "error");
    assert.match((await page.textContent("#densityStatus"))!, /Si/);
    assert.is(await page.getAttribute("#viewer", "data-surfaces"), "0");
    const bare = await pixelCounts(page, await page.locator("#viewer").screenshot(), SURFACE_HUE);
    assert.ok(bare.nonWhite > 0 && bare.inHue < drawn.inHue / 20, `no isosurface: ${bare.inHue} pixels of its colour`);

    // A cube file opened on the page (what `qdf density` writes): its atoms and isosurface.
    const saved = join(tmp, file.suggestedFilename());
    await file.saveAs(saved);
    await page.setInputFiles("#cubeFile", saved);
    await page.waitForFunction(() => document.getElementById("viewer")!.dataset.state === "done" &&
      document.getElementById("densityTitle")!.textContent!.includes(".rho.cube"), null, { timeout: 30_000 });
    assert.is(await page.getAttribute("#viewer", "data-atoms"), atoms);
    assert.ok(Number(await page.getAttribute("#viewer", "data-surfaces")) >= 1);

    // Back to the third molecule for the screenshot.
    await page.click(`#results tbody tr[data-index="2"]`);
    assert.is(await viewerDone(page, third), "done");
    mkdirSync(join(repoRoot, "artifacts"), { recursive: true });
    await page.screenshot({ path: join(repoRoot, "artifacts", "browser-page.png"), fullPage: true });
    assert.equal(problems, [], "no page errors, console errors or failed requests");
  } finally {
    await browser.close();
    await opened?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
