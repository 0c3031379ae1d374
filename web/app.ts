// The web page's script: models (shipped or chosen), molecules pasted or uploaded, predictions in workers, the table,
// the parity plot and the selected molecule's density in 3D.
import { $, saveText } from "./dom.js";
import type { Molecule } from "../src/chem/molecule.js";
import type { InputItem, ParseItem } from "../src/chem/parse.js";
import { meanAbsoluteError } from "../src/api/predict.js";
import { tableHeader, tableRow, type TableFormat, type TableLayout } from "../src/io/predictionTable.js";
import { ENERGY_UNIT_NAMES, formatValue, outputUnit, propertyUnit, type OutputUnit } from "../src/io/units.js";
import type { PredictionResult } from "../src/predict/result.js";
import { ensembleMismatch, tee, zipEnsemble } from "../src/predict/ensemble.js";
import { modelSummary, type ModelSummary } from "../src/predict/predictor.js";
import { PredictPool } from "../src/workers/pool.js";
import { DensityPanel } from "./densityPanel.js";
import { DescriptorPanel } from "./descriptorPanel.js";
import { PageInput } from "./pageInput.js";
import { drawParity, markParity, type ParityPoint } from "./parityPlot.js";
import { ResultsTable, type TableUnit } from "./resultsTable.js";

const body = document.body;
const modelList = $<HTMLUListElement>("models");
const modelFile = $<HTMLInputElement>("modelFile");
const modelStatus = $<HTMLSpanElement>("modelStatus");
const moleculesText = $<HTMLTextAreaElement>("molecules");
const moleculeFile = $<HTMLInputElement>("moleculeFile");
const formatSelect = $<HTMLSelectElement>("format");
const predictButton = $<HTMLButtonElement>("predict");
const progress = $<HTMLProgressElement>("progress");
const status = $<HTMLSpanElement>("status");
const summary = $<HTMLSpanElement>("summary");
const downloadButton = $<HTMLButtonElement>("download");
const downloadFormat = $<HTMLSelectElement>("downloadFormat");
const unitSelect = $<HTMLSelectElement>("unit");
const strictBox = $<HTMLInputElement>("strict");
const parity = document.getElementById("parity") as unknown as SVGSVGElement;
const parityEmpty = $<HTMLParagraphElement>("parityEmpty");

interface PageModel {
  name: string;
  bytes: Uint8Array;
  /** Either architecture: a GCN predicts like a QDF model, but has no density. */
  config: ModelSummary;
  use: boolean;
}

/** Every model loaded; the chosen one predicts. Pools are made on first use and kept while models and workers stay. */
const models: PageModel[] = [];
let pools: { key: string; pools: Promise<PredictPool[]> } | null = null;
/** The last run: its inputs (a molecule per row, or none where parsing failed) and results, by row. */
let run: { molecules: (Molecule | null)[]; results: PredictionResult[]; config: ModelSummary; models: number } | null = null;
let busy = false;
/** The input text, its SMILES built in 3D, the workers: shared with the descriptor panel. */
const input = new PageInput();

const ticked = () => models.filter((m) => m.use);
const table = new ResultsTable($<HTMLTableElement>("results"), (i) => select(i));
const density = new DensityPanel();
/** Descriptors and the transfer head, for the first ticked model; it runs only while no prediction does. */
const qdd = new DescriptorPanel(input, {
  model: () => ticked()[0] ?? null,
  isBusy: () => busy,
  setBusy: (b) => { busy = b; setState(b ? "busy" : "ready"); },
});

function setState(state: "ready" | "busy" | "done" | "error" | "loading"): void {
  body.dataset.state = state; // tests wait on this
  predictButton.disabled = busy || ticked().length === 0;
  qdd.refresh();
}

async function dropPools(): Promise<void> {
  const old = pools;
  pools = null;
  if (old) for (const p of (await old.pools.catch(() => [])) as PredictPool[]) await p.close();
}

/** A model's architecture and width, as the list and the model line show it. */
const kind = (c: ModelSummary) => `${c.architecture === "gcn" ? "3D GCN" : "QDF"}, dim ${c.dim}`;

/** The model line: what the ticked models predict (an ensemble's must agree on outputs and unit). */
function describeModels(): void {
  const use = ticked();
  modelStatus.className = "";
  if (use.length === 0) modelStatus.textContent = models.length ? "tick a model" : "no model loaded: choose a .safetensors file";
  else if (use.length === 1) {
    const c = use[0]!.config;
    modelStatus.textContent = `${use[0]!.name}: ${c.property}, ${c.outputs} output(s), ${kind(c)}`;
  } else {
    const mismatch = ensembleMismatch(use.map((m) => m.config));
    modelStatus.textContent = mismatch ?? `ensemble of ${use.length} models: ${use.map((m) => m.name).join(", ")} ` +
      `(mean and standard deviation; the density is the first's)`;
    if (mismatch) modelStatus.className = "error";
  }
  const first = use[0];
  density.setModel(first?.bytes ?? null, first?.config.architecture === "gcn"
    ? `no density: ${first.name} is a 3D GCN, which has no wave function (rho needs a QDF model)` : undefined);
  unitChoices(use[0]?.config.property ?? "");
  qdd.modelChanged();
}

function renderModels(): void {
  modelList.replaceChildren(...models.map((m) => {
    const li = document.createElement("li");
    const box = Object.assign(document.createElement("input"), { type: "checkbox", checked: m.use });
    box.dataset.model = m.name;
    box.addEventListener("change", async () => {
      if (busy) { box.checked = m.use; return; }
      m.use = box.checked;
      await dropPools();
      describeModels();
      setState("ready");
    });
    const label = document.createElement("label");
    const info = Object.assign(document.createElement("span"), { className: "info" });
    info.textContent = ` ${m.config.property}, ${kind(m.config)}`;
    label.append(box, ` ${m.name}`, info);
    li.appendChild(label);
    return li;
  }));
}

/**
 * Adds a model (validated before any worker starts; one of the same name is replaced) and ticks it; `alone` unticks
 * the others (a model chosen to replace them; tick more for an ensemble).
 */
async function addModel(name: string, bytes: Uint8Array, alone = true): Promise<void> {
  const config = modelSummary(bytes);
  await dropPools();
  const old = models.findIndex((m) => m.name === name);
  if (old >= 0) models.splice(old, 1);
  if (alone) for (const m of models) m.use = false;
  models.push({ name, bytes, config, use: true });
}

function modelsChanged(): void {
  renderModels();
  describeModels();
  setState("ready");
}

function modelError(text: string): void {
  modelStatus.className = "error";
  modelStatus.textContent = text;
}

/** A model file the user gave (button or drop): added and ticked, or its error shown. */
async function userModel(f: File, alone: boolean): Promise<void> {
  if (busy) {
    modelStatus.textContent = "wait for the prediction to finish before changing the models";
    return;
  }
  try {
    await addModel(f.name, new Uint8Array(await f.arrayBuffer()), alone);
    modelsChanged();
  } catch (e) {
    modelError(`${f.name}: ${(e as Error).message}`);
    setState(models.length ? "ready" : "error");
  }
}

async function fetchModel(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * ?model=URL (repeated: an ensemble, all ticked), else the models the build listed in models/index.json, the default
 * first and the only one ticked; else none. The page is "ready" only when all are in.
 */
async function preload(): Promise<void> {
  let urls = new URLSearchParams(location.search).getAll("model");
  const tickAll = urls.length > 0;
  if (urls.length === 0) {
    try {
      urls = (await (await fetch("models/index.json")).json()) as string[];
    } catch { /* no list: nothing to preload */ }
  }
  const failed: string[] = [];
  for (const url of urls) {
    modelStatus.textContent = `loading ${url}...`;
    try {
      await addModel(url.split("/").pop()!, await fetchModel(url));
    } catch (e) {
      failed.push(`could not load ${url}: ${(e as Error).message}`);
    }
  }
  models.forEach((m, i) => { m.use = tickAll || i === 0; });
  modelsChanged();
  if (failed.length) modelError(`${failed.join("; ")}${models.length ? "" : "; choose a model file"}`);
}

modelFile.addEventListener("change", async () => {
  // Several files at once: an ensemble of them.
  for (const [i, f] of Array.from(modelFile.files ?? []).entries()) await userModel(f, i === 0);
});
moleculeFile.addEventListener("change", async () => {
  const f = moleculeFile.files?.[0];
  if (!f) return;
  moleculesText.value = await f.text();
  moleculesText.dataset.fileName = f.name;
  formatSelect.value = "auto"; // the file's extension decides
});
moleculesText.addEventListener("input", () => delete moleculesText.dataset.fileName);

// Drag and drop anywhere: .safetensors is a model (added to the list), a .cube a density, anything else molecules.
body.addEventListener("dragover", (e) => { e.preventDefault(); body.classList.add("over"); });
body.addEventListener("dragleave", () => body.classList.remove("over"));
body.addEventListener("drop", async (e) => {
  e.preventDefault();
  body.classList.remove("over");
  for (const f of Array.from(e.dataTransfer?.files ?? [])) {
    if (/\.safetensors$/i.test(f.name)) await userModel(f, false);
    else if (/\.cube?$/i.test(f.name)) await density.openCube(f.name, await f.text());
    else {
      moleculesText.value = await f.text();
      moleculesText.dataset.fileName = f.name;
    }
  }
});

/** The pools of the ticked models (one per model, the workers shared out), made once per set of models and workers. */
function getPools(workers: number): Promise<PredictPool[]> {
  const use = ticked();
  const strict = strictBox.checked;
  const key = `${use.map((m) => m.name).join("\n")}|${workers}|${strict}`;
  if (pools?.key !== key) {
    void dropPools();
    const each = Math.max(1, Math.floor(workers / use.length));
    const made = (async () => {
      const out: PredictPool[] = [];
      try {
        for (const m of use) out.push(await PredictPool.create(m.bytes, { workers: each, strict }));
      } catch (e) {
        for (const p of out) await p.close();
        throw e;
      }
      return out;
    })();
    pools = { key, pools: made };
  }
  return pools!.pools;
}

/** The input with its SMILES built in 3D (in workers, with progress); molecules and errors stay in place. */
function embedded(items: InputItem[]): Promise<ParseItem[]> {
  progress.max = items.length;
  return input.embed(items, (done, total, smiles) => {
    progress.value = done;
    status.textContent = `building ${smiles} SMILES in 3D (openchemlib, MMFF94s): ${done} / ${total}`;
  });
}

/** Results in input order: one model's, or the ensemble's mean and standard deviation (predict/ensemble.ts). */
function predictAll(all: PredictPool[], items: ParseItem[]): AsyncIterable<PredictionResult> {
  if (all.length === 1) return all[0]!.predictStream(items);
  const mismatch = ensembleMismatch(all.map((p) => p.config));
  if (mismatch) throw new Error(mismatch);
  const branches = tee(items, all.length);
  return zipEnsemble(all.map((pool, i) => pool.predictStream(branches[i]!)));
}

/** The unit menu: the model's own unit, and the other energy units when it is an energy. */
function unitChoices(property: string): void {
  const own = propertyUnit(property);
  const names = (ENERGY_UNIT_NAMES as string[]).includes(own) ? ENERGY_UNIT_NAMES : [own];
  const keep = names.includes(unitSelect.value as never) ? unitSelect.value : own;
  unitSelect.replaceChildren(...names.map((u) => Object.assign(document.createElement("option"), { value: u, textContent: u || "(none)" })));
  unitSelect.value = keep;
}

/** The chosen output unit for a model's property (conversion and rounding as the CLI's --unit). */
function chosenUnit(config: ModelSummary): OutputUnit {
  return outputUnit(config.property, unitSelect.value === propertyUnit(config.property) ? undefined : unitSelect.value);
}

function tableUnit(out: OutputUnit): TableUnit {
  return { unit: out.unit, format: (v) => formatValue(v, out) };
}

function parityPoints(results: PredictionResult[], out: OutputUnit): ParityPoint[] {
  const points: ParityPoint[] = [];
  results.forEach((r, index) => {
    if (r.error || !r.predicted || !r.true) return;
    r.predicted.forEach((p, k) => points.push({
      index, id: r.id, predicted: p * out.factor, true: r.true![k]! * out.factor, std: r.std ? r.std[k]! * out.factor : undefined,
    }));
  });
  return points;
}

let selected: number | null = null;

/** A row or point clicked: the molecule in 3D with its density. */
function select(index: number): void {
  if (!run || !run.results[index]) return;
  selected = index;
  table.select(index);
  markParity(parity, index);
  const m = run.molecules[index], r = run.results[index]!;
  if (!m) density.clear(`row ${index + 1}: ${r.error ?? "no molecule"}`);
  else void density.show(m, `row ${index + 1}, ${m.id}`);
}

async function predict(): Promise<void> {
  const use = ticked();
  if (use.length === 0 || busy) return;
  busy = true;
  setState("busy");
  summary.textContent = "";
  status.className = "";
  downloadButton.disabled = true;
  run = null;
  selected = null;
  try {
    const workers = input.workers();
    const items = await embedded(input.items());
    const all = await getPools(workers);
    const config = use[0]!.config;
    const unit = tableUnit(chosenUnit(config));
    const current = run = {
      molecules: items.map((it) => ("molecule" in it ? it.molecule : null)), results: [] as PredictionResult[], config, models: all.length,
    };
    table.start(unit);
    progress.max = items.length;
    progress.value = 0;
    const t0 = performance.now();
    for await (const r of predictAll(all, items)) {
      table.add(current.results.length, r, unit);
      current.results.push(r);
      progress.value = current.results.length;
      status.textContent = `${current.results.length} / ${items.length}`;
    }
    const results = current.results;
    table.finish(results);
    const seconds = (performance.now() - t0) / 1000;
    const failed = results.filter((r) => r.error).length;
    const warned = results.filter((r) => !r.error && r.warnings?.length).length;
    status.textContent = `${results.length} molecules in ${seconds.toFixed(2)} s (${(results.length / seconds).toFixed(1)}/s, ${workers} workers` +
      `${all.length > 1 ? `, ensemble of ${all.length}` : ""})` + (failed ? `, ${failed} failed` : "") + (warned ? `, ${warned} with warnings` : "");
    showOutcome();
    downloadButton.disabled = !results.some((r) => r.predicted);
    busy = false;
    setState("done");
    // The first molecule with a prediction in 3D, so the panel is never empty after a run.
    const first = results.findIndex((r) => r.predicted && !r.error);
    if (first >= 0) select(first);
  } catch (e) {
    await dropPools(); // pools that failed to start are not reused
    status.className = "error";
    status.textContent = (e as Error).message;
    busy = false;
    setState("error");
  }
}

predictButton.addEventListener("click", () => void predict());

/** The MAE and the parity plot of the last run, in the chosen unit (the unit menu redraws them and the table). */
function showOutcome(): void {
  if (!run) return;
  const out = chosenUnit(run.config), unit = tableUnit(out);
  const mae = meanAbsoluteError(run.results.filter((r) => !r.error));
  summary.textContent = Number.isNaN(mae) ? "" : `MAE ${unit.format(mae)} ${unit.unit}`.trim();
  summary.dataset.mae = String(mae); // in the model's unit, as the CLI's stderr
  const points = parityPoints(run.results, out);
  drawParity(parity, points, unit.unit, select);
  parityEmpty.hidden = points.length > 0;
  if (selected !== null) markParity(parity, selected);
}

unitSelect.addEventListener("change", () => {
  if (!run || busy) return;
  const unit = tableUnit(chosenUnit(run.config));
  table.start(unit);
  run.results.forEach((r, i) => table.add(i, r, unit));
  table.finish(run.results);
  if (selected !== null) table.select(selected);
  showOutcome();
});
strictBox.addEventListener("change", () => void dropPools());

// The table `qdf predict` writes (same columns, unit and rounding): a row per molecule, failed ones with their error.
downloadButton.addEventListener("click", () => {
  if (!run) return;
  const layout: TableLayout = {
    outputs: run.config.outputs, unit: chosenUnit(run.config), withTrue: run.results.some((r) => r.true), models: run.models,
  };
  const format = downloadFormat.value as TableFormat;
  const text = tableHeader(layout, format) + run.results.map((r) => tableRow(r, layout, format)).join("");
  saveText(`predictions.${format}`, text, format === "csv" ? "text/csv" : format === "jsonl" ? "application/jsonl" : "text/tab-separated-values");
});

void preload();
