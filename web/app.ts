// The web page's script: loads a model (preloaded or chosen), parses pasted/uploaded molecules, predicts in workers.
import { iterateMolecules, type ParseItem } from "../src/chem/parse.js";
import { meanAbsoluteError, type PredictionResult } from "../src/api/predict.js";
import { propertyUnit, tsvHeader, tsvRow } from "../src/io/predictionsTsv.js";
import { readModelFile } from "../src/model/modelFile.js";
import type { QdfConfig } from "../src/model/config.js";
import { PredictPool } from "../src/workers/pool.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const body = document.body;
const modelFile = $<HTMLInputElement>("modelFile");
const modelStatus = $<HTMLSpanElement>("modelStatus");
const moleculesText = $<HTMLTextAreaElement>("molecules");
const moleculeFile = $<HTMLInputElement>("moleculeFile");
const formatSelect = $<HTMLSelectElement>("format");
const workersInput = $<HTMLInputElement>("workers");
const predictButton = $<HTMLButtonElement>("predict");
const progress = $<HTMLProgressElement>("progress");
const status = $<HTMLSpanElement>("status");
const summary = $<HTMLSpanElement>("summary");
const downloadButton = $<HTMLButtonElement>("download");
const table = $<HTMLTableElement>("results");
const tbody = table.tBodies[0]!;

workersInput.value = String(Math.max(1, navigator.hardwareConcurrency || 2));

/** The loaded model; the pool is made on first use and kept until the model or worker count changes. */
let model: { name: string; bytes: Uint8Array; config: QdfConfig } | null = null;
let pool: { workers: number; pool: Promise<PredictPool> } | null = null;
let results: PredictionResult[] = [];
let busy = false;

function setState(state: "ready" | "busy" | "done" | "error" | "loading"): void {
  body.dataset.state = state; // tests wait on this
  predictButton.disabled = busy || !model;
}

async function dropPool(): Promise<void> {
  const old = pool;
  pool = null;
  if (old) await (await old.pool.catch(() => null))?.close();
}

async function useModel(name: string, bytes: Uint8Array): Promise<void> {
  if (busy) {
    modelStatus.textContent = `${model?.name ?? ""}: wait for the prediction to finish before changing the model`;
    return;
  }
  try {
    const { config } = readModelFile(bytes); // validates before any worker starts
    await dropPool();
    model = { name, bytes, config };
    modelStatus.className = "";
    modelStatus.textContent = `${name}: ${config.property}, ${config.outputs} output(s), dim ${config.dim}`;
    setState("ready");
  } catch (e) {
    modelStatus.className = "error";
    modelStatus.textContent = `${name}: ${(e as Error).message}`;
    setState(model ? "ready" : "error");
  }
}

/** ?model=URL, else the first model the build listed in models/index.json; else the user chooses one. */
async function preload(): Promise<void> {
  const fromQuery = new URLSearchParams(location.search).get("model");
  let url = fromQuery;
  if (!url) {
    try {
      const listed = (await (await fetch("models/index.json")).json()) as string[];
      url = listed[0] ?? null; // the build lists the default model (models/models.json) first
    } catch { /* no list: nothing to preload */ }
  }
  if (!url) {
    modelStatus.textContent = "no model loaded: choose a .safetensors file";
    setState("ready");
    return;
  }
  modelStatus.textContent = `loading ${url}...`;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    await useModel(url.split("/").pop()!, new Uint8Array(await res.arrayBuffer()));
  } catch (e) {
    modelStatus.className = "error";
    modelStatus.textContent = `could not load ${url}: ${(e as Error).message}; choose a model file`;
    setState("ready");
  }
}

modelFile.addEventListener("change", async () => {
  const f = modelFile.files?.[0];
  if (f) await useModel(f.name, new Uint8Array(await f.arrayBuffer()));
});
moleculeFile.addEventListener("change", async () => {
  const f = moleculeFile.files?.[0];
  if (!f) return;
  moleculesText.value = await f.text();
  if (/\.xyz$/i.test(f.name)) formatSelect.value = "xyz";
});

// Drag and drop anywhere: .safetensors is a model, anything else is molecules.
body.addEventListener("dragover", (e) => { e.preventDefault(); body.classList.add("over"); });
body.addEventListener("dragleave", () => body.classList.remove("over"));
body.addEventListener("drop", async (e) => {
  e.preventDefault();
  body.classList.remove("over");
  for (const f of Array.from(e.dataTransfer?.files ?? [])) {
    if (/\.safetensors$/i.test(f.name)) await useModel(f.name, new Uint8Array(await f.arrayBuffer()));
    else moleculesText.value = await f.text();
  }
});

const fmt = (v: number | undefined) => (v === undefined ? "" : v.toFixed(4));

/** A table row; full-precision values ride along in data-value (the TSV and tests use those). */
function addRow(r: PredictionResult): void {
  const tr = document.createElement("tr");
  tr.dataset.id = r.id;
  const cell = (text: string, value?: number, cls?: string) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (value !== undefined) td.dataset.value = String(value);
    if (cls) td.className = cls;
    tr.appendChild(td);
    return td;
  };
  cell(r.id);
  cell(r.nAtoms ? String(r.nAtoms) : "");
  if (r.error || !r.predicted) {
    cell(r.error ?? "no prediction", undefined, "error").colSpan = 3;
  } else {
    // K > 1 outputs: one cell with the values separated by spaces.
    const p = r.predicted, t = r.true;
    const errs = t ? p.map((v, k) => Math.abs(v - t[k]!)) : undefined;
    cell(p.map(fmt).join(" "), p.length === 1 ? p[0] : undefined).dataset.values = p.join(" ");
    cell(t ? t.map(fmt).join(" ") : "", t?.length === 1 ? t[0] : undefined);
    cell(errs ? errs.map(fmt).join(" ") : "", errs?.length === 1 ? errs[0] : undefined);
  }
  tbody.appendChild(tr);
}

async function run(): Promise<void> {
  if (!model || busy) return;
  busy = true;
  setState("busy");
  tbody.replaceChildren();
  summary.textContent = "";
  status.className = "";
  downloadButton.disabled = true;
  results = [];
  try {
    const items: ParseItem[] = [...iterateMolecules(moleculesText.value, { fileName: "input", format: formatSelect.value as "auto" })];
    if (items.length === 0) throw new Error("no molecules: paste some or choose a file");
    const workers = Math.max(1, Math.floor(Number(workersInput.value) || 1));
    if (!pool || pool.workers !== workers) {
      await dropPool();
      pool = { workers, pool: PredictPool.create(model.bytes, { workers }) };
    }
    const p = await pool.pool;
    progress.max = items.length;
    progress.value = 0;
    const t0 = performance.now();
    for await (const r of p.predictStream(items)) {
      results.push(r);
      addRow(r);
      progress.value = results.length;
      status.textContent = `${results.length} / ${items.length}`;
    }
    const seconds = (performance.now() - t0) / 1000;
    const failed = results.filter((r) => r.error).length;
    const mae = meanAbsoluteError(results);
    status.textContent = `${results.length} molecules in ${seconds.toFixed(2)} s (${(results.length / seconds).toFixed(1)}/s, ${workers} workers)` +
      (failed ? `, ${failed} failed` : "");
    summary.textContent = Number.isNaN(mae) ? "" : `MAE ${mae.toPrecision(6)} ${propertyUnit(model.config.property)}`;
    summary.dataset.mae = String(mae);
    table.classList.toggle("no-true", !results.some((r) => r.true));
    downloadButton.disabled = !results.some((r) => r.predicted);
    busy = false;
    setState("done");
  } catch (e) {
    await dropPool(); // a pool that failed to start is not reused
    status.className = "error";
    status.textContent = (e as Error).message;
    busy = false;
    setState("error");
  }
}

predictButton.addEventListener("click", () => void run());

// The same TSV as `qdf predict` (failed molecules are left out there too).
downloadButton.addEventListener("click", () => {
  if (!model) return;
  const good = results.filter((r) => r.predicted);
  const withTrue = good[0]?.true !== undefined;
  const text = tsvHeader(model.config.outputs, withTrue) + good.map((r) => tsvRow(r, withTrue)).join("");
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type: "text/tab-separated-values" }));
  a.download = "predictions.tsv";
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});

void preload();
