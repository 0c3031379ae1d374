// The page's descriptor and transfer head in real headless Chromium: descriptors as the library computes them in Node
// (same coordinates: to float32 noise; SMILES built in the page: to the geometry's tolerance), the TSV as `qdf
// descriptor` writes it, a head from `qdf transfer fit` predicting as `qdf transfer predict`, another model's head refused.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { iterateXyz } from "../../src/chem/xyz.js";
import type { Molecule } from "../../src/chem/molecule.js";
import { loadModel } from "../../src/predict/predictor.js";
import { parseHead } from "../../src/transfer/head.js";
import { readModelFile } from "../../src/model/modelFile.js";
import { descriptor, descriptorNames } from "../../src/predict/descriptor.js";
import { repoRoot } from "../shared.js";
import { builtFolder, launch, serve } from "./harness.js";

/** The page's default model (the build lists it first): the head is fitted on it. */
const modelPath = join(repoRoot, "models", "qdf-qm9-under14.safetensors");
const otherModel = "qdf-small.safetensors";
const smilesFixture = join(repoRoot, "test", "fixtures", "browser-smiles.smi");
const csvFixture = join(repoRoot, "test", "fixtures", "transfer", "small.csv");

/**
 * Same coordinates, page against Node: the same float32 stages in both, so |page - node| <= 1e-5 * (1 + |node|).
 * SMILES built in the page's worker against Node's embedding of the same SMILES: the embedding gives Node's bits in
 * Chromium (no fragment cache, the portable Math.pow: src/chem/openchemlib*.ts); Node's side reads it back from
 * `qdf embed`'s xyz (10 decimals), so the descriptors agree to that rounding (measured 8e-11 of the row's largest).
 */
const SAME_TOL = 1e-5;
/** Where n_atoms sits in the descriptor (a count: equal when the same atoms were built). */
const nAtoms = descriptorNames(readModelFile(readFileSync(modelPath)).config).indexOf("n_atoms");
const GEOMETRY_TOL = 1e-6;

/** `qdf ...` run in `cwd` (so the file column holds the bare file name, as the page's does). */
function qdf(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, "bin", "qdf.js"), ...args], { cwd, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A TSV's header and rows (cells by column). */
function tsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header, ...rows] = text.replace(/\n$/, "").split("\n").map((l) => l.split("\t"));
  return { header: header!, rows: rows.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? ""]))) };
}

/** Clicks the descriptor button and waits for the panel to finish (a failed run fails the test with its status). */
async function describe(page: Page): Promise<void> {
  await page.click("#describe");
  await page.waitForSelector("#qdd[data-state=done], #qdd[data-state=error]", { timeout: 180_000 });
  assert.is(await page.getAttribute("#qdd", "data-state"), "done", `status: ${await page.textContent("#qddStatus")}`);
}

/** The panel's rows: id, the full descriptor (data-values), the head's value, the error. */
async function panelRows(page: Page): Promise<{ id: string; formula: string; values: number[] | null; head: number | null; error: string }[]> {
  return page.$$eval("#qddTable tbody tr", (trs) => trs.map((tr) => {
    const t = tr as HTMLElement, head = tr.querySelector("td.c-head") as HTMLElement | null;
    return {
      id: t.dataset.id!, formula: tr.querySelector("td.c-formula")!.textContent ?? "", values: t.dataset.values ? t.dataset.values.split(" ").map(Number) : null,
      head: head?.dataset.value ? Number(head.dataset.value) : null, error: tr.querySelector("td.c-notes")!.textContent ?? "",
    };
  }));
}

/** Downloads what the button saves: its suggested name and text. */
async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const wait = page.waitForEvent("download", { timeout: 20_000 });
  await page.click(button);
  const file = await wait;
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, "utf8") };
}

/** Loads a molecule file through the page's file input (its name becomes the file column, as the CLI's argument). */
async function loadMolecules(page: Page, path: string): Promise<void> {
  await page.setInputFiles("#moleculeFile", path);
  await page.waitForFunction((n) => document.getElementById("molecules")!.dataset.fileName === n, path.split("/").pop(), { timeout: 10_000 });
}

/** Library descriptors in Node for an xyz file's molecules. */
async function nodeDescriptors(xyz: string): Promise<Map<string, number[] | undefined>> {
  const molecules: Molecule[] = [];
  for (const it of iterateXyz(readFileSync(xyz, "utf8"), xyz)) if ("molecule" in it) molecules.push(it.molecule);
  const model = await loadModel(readFileSync(modelPath));
  try {
    return new Map(descriptor(model, molecules).map((r) => [r.id, r.descriptor]));
  } finally {
    model.dispose();
  }
}

/** max over values of |a - b| / (1 + |b|), and of |a - b| / max|b| (the row's scale). */
function differences(a: number[], b: number[]): { relative: number; ofRow: number } {
  assert.is(a.length, b.length, "descriptor length");
  const top = Math.max(...b.map(Math.abs));
  let relative = 0, ofRow = 0;
  a.forEach((v, j) => {
    const d = Math.abs(v - b[j]!);
    relative = Math.max(relative, d / (1 + Math.abs(b[j]!)));
    ofRow = Math.max(ofRow, d / top);
  });
  return { relative, ofRow };
}

test("the page's descriptors match the library's, its TSV is qdf descriptor's, a head predicts as qdf transfer predict, another model's head is refused", async () => {
  const root = builtFolder("page", "npm run build");
  const browser = await launch(); // first: no Chromium fails here, before a server is left open
  let opened: Awaited<ReturnType<typeof serve>> | undefined;
  const tmp = mkdtempSync(join(tmpdir(), "qdf-page-transfer-"));
  try {
    // Node's side: 3D structures of the fixtures (qdf embed, seeded), a head fitted on the page's default model.
    copyFileSync(smilesFixture, join(tmp, "mols.smi"));
    copyFileSync(csvFixture, join(tmp, "small.csv"));
    for (const [input, out] of [["mols.smi", "mols.xyz"], ["small.csv", "small.xyz"]]) {
      const r = qdf(tmp, "embed", input!, "--out", out!, "--workers", "0");
      assert.is(r.code, 0, `qdf embed ${input}: ${r.stderr}`);
    }
    const fit = qdf(tmp, "transfer", "fit", "--model", modelPath, "--data", "small.csv", "--target", "target", "--units", "au",
      "--out", "head.json", "--folds", "3", "--workers", "0", "--geometry", "small.xyz");
    assert.is(fit.code, 0, fit.stderr);
    const head = parseHead(readFileSync(join(tmp, "head.json"), "utf8"));

    const server = opened = await serve(root);
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1240, height: 1400 });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
    page.on("request", (r) => { if (!/^(data:|blob:)/.test(r.url()) && !r.url().startsWith(server.url)) problems.push(`network: ${r.url()}`); });
    await page.goto(server.url);
    await page.waitForSelector("body[data-state=ready]", { timeout: 60_000 });
    assert.is(await page.$$eval("#models input:checked", (bs) => bs.map((b) => (b as HTMLElement).dataset.model).join()), "qdf-qm9-under14.safetensors");
    await page.fill("#workers", "1"); // one embedding worker: the same embedding history as Node's single thread

    // 1. Same coordinates (Node's embedding as xyz): the library's descriptor to float32 noise; the TSV is the CLI's.
    await loadMolecules(page, join(tmp, "mols.xyz"));
    await describe(page);
    const node = await nodeDescriptors(join(tmp, "mols.xyz"));
    const rows = await panelRows(page);
    assert.equal(rows.map((r) => r.id), ["ethanol", "propylene_unit", "pyridine", "methylsilane"], "a row per molecule, in order");
    let worstSame = 0;
    for (const r of rows.slice(0, 3)) {
      assert.ok(r.values, `${r.id} has a descriptor`);
      const d = differences(r.values!, node.get(r.id)!);
      worstSame = Math.max(worstSame, d.relative);
      assert.ok(d.relative <= SAME_TOL, `${r.id}: page vs library descriptor, max relative difference ${d.relative}`);
    }
    assert.is(rows[3]!.values, null, "no descriptor for Si");
    assert.match(rows[3]!.error, /Si/);
    assert.match((await page.textContent("#qddFailed"))!, /1 of 4 molecules have no descriptor.*row 4, methylsilane: .*Si/s);
    const saved = await download(page, "#descriptorDownload");
    assert.is(saved.name, "descriptors.tsv");
    const cli = qdf(tmp, "descriptor", "--model", modelPath, "mols.xyz", "--workers", "0");
    assert.is(cli.code, 1, `Si fails: ${cli.stderr}`);
    const pageTable = tsv(saved.text), cliTable = tsv(cli.stdout);
    assert.equal(pageTable.header, cliTable.header, "the same header as qdf descriptor");
    assert.is(pageTable.rows.length, cliTable.rows.length);
    pageTable.rows.forEach((row, i) => {
      const want = cliTable.rows[i]!;
      for (const col of ["file", "line", "id", "formula", "error"]) assert.is(row[col], want[col], `row ${i + 1} ${col}`);
      for (const col of cliTable.header.slice(5)) {
        const a = row[col]!, b = want[col]!;
        if (b === "") { assert.is(a, "", `row ${i + 1} ${col} empty`); continue; }
        assert.ok(Math.abs(Number(a) - Number(b)) <= SAME_TOL * (1 + Math.abs(Number(b))), `row ${i + 1} ${col}: page ${a}, CLI ${b}`);
      }
    });

    // 2. SMILES pasted, built in the page: the library's descriptor of Node's embedding, to the geometry's tolerance;
    //    the repeat unit's * capped as the CLI caps them (the same atom count as Node's).
    await page.fill("#molecules", readFileSync(smilesFixture, "utf8"));
    await page.selectOption("#format", "smiles");
    await describe(page);
    const built = await panelRows(page);
    assert.equal(built.map((r) => r.id), rows.map((r) => r.id));
    let worstGeometry = 0;
    for (const r of built.slice(0, 3)) {
      const want = node.get(r.id)!;
      assert.is(r.values![nAtoms], want[nAtoms], `${r.id}: the same atoms as Node's embedding (n_atoms)`);
      const d = differences(r.values!, want);
      worstGeometry = Math.max(worstGeometry, d.ofRow);
      assert.ok(d.ofRow <= GEOMETRY_TOL, `${r.id}: page (its own geometry) vs library (Node's), max difference ${d.ofRow} of the row's largest`);
    }
    assert.is(built[1]!.values![nAtoms], 11, "propylene's repeat unit *CC(*)C: both * capped with H, C3H8 (11 atoms)");
    assert.match(built[3]!.error, /Si/);

    // 3. A file that is not a head: its error, and no head column.
    await page.setInputFiles("#headFile", { name: "notes.json", mimeType: "application/json", buffer: Buffer.from("{\"format\": \"other\"}") });
    await page.waitForSelector("#headStatus[data-state=error]", { timeout: 10_000 });
    assert.match((await page.textContent("#headStatus"))!, /notes\.json: not a qdf-transfer-head version 1 file/);
    assert.is(await page.textContent("#describe"), "Descriptors");
    // The head: target, units and fold scores shown; predictions as `qdf transfer predict` on the same coordinates.
    await page.setInputFiles("#headFile", join(tmp, "head.json"));
    await page.waitForSelector("#headStatus[data-state=accepted]", { timeout: 10_000 });
    const summary = (await page.textContent("#headSummary"))!;
    assert.match(summary, /target target \(au\)/);
    assert.ok(summary.includes(`MAE ${Number(head.cv.pooled.mae.toPrecision(4))} au`), summary);
    assert.ok(summary.includes(`R\u00b2 ${Number(head.cv.pooled.r2.toPrecision(4))}`), summary);
    const folds = await page.$$eval("#headFolds tbody tr", (trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)));
    assert.is(folds.length, head.cv.k + 1, "a row per fold and the pooled scores");
    head.cv.folds.forEach((f, i) => assert.equal(folds[i]!.slice(1, 5), [String(f.n), ...[f.mae, f.rmse, f.r2].map((x) => String(Number(x.toPrecision(4))))]));
    assert.is(await page.textContent("#describe"), "Descriptors and target");
    await page.selectOption("#format", "auto");
    await loadMolecules(page, join(tmp, "small.xyz"));
    await describe(page);
    const predicted = await panelRows(page);
    const cliHead = qdf(tmp, "transfer", "predict", "--head", "head.json", "--model", modelPath, "small.xyz", "--workers", "0");
    assert.is(cliHead.code, 1, `the Si row fails: ${cliHead.stderr}`);
    const want = tsv(cliHead.stdout);
    const headFile = await download(page, "#headDownload");
    assert.is(headFile.name, "predicted_target.tsv");
    const got = tsv(headFile.text);
    assert.equal(got.header, want.header, "the same header as qdf transfer predict");
    assert.equal(got.rows.map((r) => r.id), want.rows.map((r) => r.id));
    let worstHead = 0;
    got.rows.forEach((row, i) => {
      const w = want.rows[i]!;
      for (const col of ["file", "line", "id", "formula", "error"]) assert.is(row[col], w[col], `${w.id} ${col}`);
      const col = "predicted_target";
      if (w[col] === "") { assert.is(row[col], "", `${w.id}: no prediction`); assert.is(predicted[i]!.head, null); return; }
      const d = Math.abs(Number(row[col]) - Number(w[col]));
      worstHead = Math.max(worstHead, d);
      assert.ok(d <= 1e-4, `${w.id}: page ${row[col]}, qdf transfer predict ${w[col]}`);
      assert.ok(Math.abs(predicted[i]!.head! - Number(w[col])) <= 1e-4, `${w.id}: the table's column`);
    });
    assert.is(want.rows.filter((r) => r.predicted_target === "").map((r) => r.id).join(), "si");
    assert.match((await page.textContent("#qddFailed"))!, /1 of 14 molecules have no descriptor and no target:.*si: .*Si/s);

    // 4. SMILES repeat units pasted as CSV: capped and predicted close to `qdf transfer predict` on the CSV. A fresh
    //    page first, so its one embedding worker starts clean as the CLI's thread does (openchemlib's conformers can
    //    depend on what a thread embedded before: README, bench:smiles-predict).
    await page.reload();
    await page.waitForSelector("body[data-state=ready]", { timeout: 60_000 });
    await page.fill("#workers", "1");
    await page.setInputFiles("#headFile", join(tmp, "head.json"));
    await page.waitForSelector("#headStatus[data-state=accepted]", { timeout: 10_000 });
    await page.fill("#molecules", readFileSync(csvFixture, "utf8"));
    await page.selectOption("#format", "csv");
    await describe(page);
    const fromSmiles = await panelRows(page);
    const cliCsv = tsv(qdf(tmp, "transfer", "predict", "--head", "head.json", "--model", modelPath, "small.csv", "--workers", "0").stdout);
    assert.equal(fromSmiles.map((r) => r.id), cliCsv.rows.map((r) => r.id));
    // The page's own geometry, downloaded as xyz: `qdf transfer predict` on it gives the page's values (1e-4 au).
    const ownXyz = join(tmp, "page-built.xyz");
    writeFileSync(ownXyz, (await download(page, "#xyzDownload")).text);
    const cliOwn = tsv(qdf(tmp, "transfer", "predict", "--head", "head.json", "--model", modelPath, "page-built.xyz", "--workers", "0").stdout);
    assert.equal(cliOwn.rows.map((r) => r.id), fromSmiles.map((r) => r.id));
    // Against the CLI's own embedding of the SMILES: the same atoms (formula: the * capped alike) and, since the
    // embedding is the same bits in Chromium and Node, the same values to float noise (measured 4.9e-9 au, all rows).
    const tolerance = 0.25 * head.cv.pooled.rmse; // for the dimers below: small rigid units
    let close = 0, worstSmiles = 0;
    fromSmiles.forEach((r, i) => {
      const w = cliCsv.rows[i]!;
      assert.is(r.formula, w.formula, `${r.id}: the same atoms as the CLI's embedding`);
      if (w.predicted_target === "") { assert.is(r.head, null, `${r.id}: no prediction`); return; }
      const own = Number(cliOwn.rows[i]!.predicted_target);
      assert.ok(Math.abs(r.head! - own) <= 1e-4, `${r.id}: page ${r.head}, qdf transfer predict on the page's geometry ${own}`);
      const d = Math.abs(r.head! - Number(w.predicted_target));
      worstSmiles = Math.max(worstSmiles, d);
      if (d <= 1e-6) close++;
    });
    const predictedRows = cliCsv.rows.filter((w) => w.predicted_target !== "").length;
    assert.is(close, predictedRows, `every row as the CLI's embedding gives it (worst ${worstSmiles} au)`);

    // The oligomer option: a chain of 2 repeat units with H ends, as `--oligomer 2` (a new embedding worker, fresh).
    const dimers = join(tmp, "dimers.csv");
    writeFileSync(dimers, "id,smiles\nm1,*CC*\nm4,*CCO*\nm11,*c1ccc(*)cc1\n");
    await page.fill("#oligomer", "2");
    await page.fill("#molecules", readFileSync(dimers, "utf8"));
    await describe(page);
    const pageDimers = await panelRows(page);
    const cliDimers = tsv(qdf(tmp, "transfer", "predict", "--head", "head.json", "--model", modelPath, "dimers.csv", "--oligomer", "2", "--workers", "0").stdout);
    assert.equal(pageDimers.map((r) => r.formula), ["C4H10", "C4H10O2", "C12H10"], "two units joined, the ends capped");
    assert.equal(pageDimers.map((r) => r.formula), cliDimers.rows.map((r) => r.formula));
    pageDimers.forEach((r, i) => {
      const w = Number(cliDimers.rows[i]!.predicted_target);
      assert.ok(Math.abs(r.head! - w) <= tolerance, `${r.id} dimer: page ${r.head}, CLI ${w}`);
    });
    await page.fill("#oligomer", "1");

    // 5. A head for another model: refused, naming both hashes; no head column, no head download.
    await page.uncheck(`#models input[data-model="qdf-qm9-under14.safetensors"]`);
    await page.check(`#models input[data-model="${otherModel}"]`);
    await page.waitForSelector("#headStatus[data-state=refused]", { timeout: 10_000 });
    const refusal = (await page.textContent("#headStatus"))!;
    const otherSha = createHash("sha256").update(readFileSync(join(repoRoot, "models", otherModel))).digest("hex");
    assert.ok(refusal.includes(head.model.sha256) && refusal.includes(otherSha), `both hashes named: ${refusal}`);
    assert.match(refusal, new RegExp(`refused: head\\.json was fitted on qdf-qm9-under14\\.safetensors .* not on ${otherModel.replace(/\./g, "\\.")}`));
    assert.ok(await page.$eval("#headStatus", (e) => e.classList.contains("error")));
    assert.is(await page.textContent("#describe"), "Descriptors");
    assert.ok(await page.isDisabled("#headDownload"), "no head predictions for another model's descriptors");
    await describe(page);
    assert.is(await page.$$eval("#qddTable .c-head", (c) => c.length), 0, "no head column with the other model");
    mkdirSync(join(repoRoot, "artifacts"), { recursive: true });
    await page.screenshot({ path: join(repoRoot, "artifacts", "browser-page-transfer.png"), fullPage: true });
    process.stdout.write(`\n  page vs Node descriptors: same coordinates ${worstSame.toExponential(2)} (relative), ` +
      `page-built SMILES ${worstGeometry.toExponential(2)} (of the row's largest); head on the same coordinates ${worstHead.toExponential(2)} au, ` +
      `on page-built SMILES ${worstSmiles.toExponential(2)} au (${close} of ${fromSmiles.length - 1} rows within 1e-6)\n`);
    assert.equal(problems, [], "no page errors, console errors or outside requests");
  } finally {
    await browser.close();
    await opened?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
