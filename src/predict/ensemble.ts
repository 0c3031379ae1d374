// Ensembles: several models predict each molecule; the result is their mean with the sample standard deviation.
import type { Molecule } from "../chem/molecule.js";
import type { ParseItem } from "../chem/parseError.js";
import type { QdfConfig } from "../model/config.js";
import type { QdfModel } from "../model/qdf.js";
import { predictMolecule, type PredictOptions } from "./predictor.js";
import { itemMolecule, parseErrorResult, type PredictionResult } from "./result.js";
import { propertyUnit } from "../io/units.js";

/**
 * Why models cannot form an ensemble (different numbers of outputs or units), or undefined when they can.
 * Property names may differ ("U0 (eV)", "atomization energy (eV)"); the values are averaged as they are.
 */
export function ensembleMismatch(configs: Pick<QdfConfig, "outputs" | "property">[]): string | undefined {
  const [first, ...rest] = configs;
  if (!first) return "an ensemble needs at least one model";
  const i = rest.findIndex((c) => c.outputs !== first.outputs || propertyUnit(c.property) !== propertyUnit(first.property));
  if (i < 0) return undefined;
  const c = rest[i]!;
  return `model ${i + 2} predicts ${c.outputs} value(s) of "${c.property}", model 1 ${first.outputs} of "${first.property}"`;
}

/**
 * One molecule's ensemble result from each model's result for it (same molecule, models in order): `predicted` is
 * the mean, `std` the sample standard deviation (n - 1: the models are a sample of the models training could have
 * produced, and with the usual 3-5 of them dividing by n would understate that spread; torch.std's default too),
 * `members` each model's values. Warnings are pooled; if any model failed the molecule fails (a mean over the
 * others would look like a full ensemble's), its error naming the model.
 */
export function combineEnsemble(results: PredictionResult[]): PredictionResult {
  const first = results[0]!;
  const out: PredictionResult = { ...first, warnings: [...new Set(results.flatMap((r) => r.warnings ?? []))] };
  delete out.predicted;
  const errors = [...new Set(results.map((r) => r.error).filter((e): e is string => e !== undefined))];
  if (errors.length > 0) {
    out.error = errors.length === 1 && results.every((r) => r.error === errors[0]) ? errors[0]! :
      results.flatMap((r, i) => (r.error ? [`model ${i + 1}: ${r.error}`] : [])).join("; ");
    return out;
  }
  const members = results.map((r) => r.predicted!);
  const n = members.length, K = members[0]!.length;
  const mean = Array.from({ length: K }, (_, k) => members.reduce((s, p) => s + p[k]!, 0) / n);
  out.predicted = mean;
  out.std = mean.map((mk, k) => (n < 2 ? 0 : Math.sqrt(members.reduce((s, p) => s + (p[k]! - mk) ** 2, 0) / (n - 1))));
  out.members = members;
  return out;
}

/** Combines streams of the same molecules' results (one stream per model, same order) into ensemble results. */
export async function* zipEnsemble(
  streams: (Iterable<PredictionResult> | AsyncIterable<PredictionResult>)[],
): AsyncGenerator<PredictionResult> {
  const its = streams.map((s) => (Symbol.asyncIterator in s ? s[Symbol.asyncIterator]() : s[Symbol.iterator]()));
  for (;;) {
    const next = await Promise.all(its.map((it) => it.next()));
    if (next.every((n) => n.done)) return;
    if (next.some((n) => n.done)) throw new Error("ensemble: the models' result streams differ in length");
    yield combineEnsemble(next.map((n) => n.value as PredictionResult));
  }
}

/** Ensemble prediction in this thread: every model predicts each molecule in turn; results in input order. */
export function* predictEnsembleStream(models: QdfModel[], items: Iterable<Molecule | ParseItem>,
                                       options: PredictOptions = {}): Generator<PredictionResult> {
  const mismatch = ensembleMismatch(models.map((m) => m.config));
  if (mismatch) throw new Error(mismatch);
  for (const item of items) {
    if ("error" in item) { yield parseErrorResult(item); continue; }
    const m = itemMolecule(item);
    yield combineEnsemble(models.map((model) => predictMolecule(model, m, options)));
  }
}

/** Every molecule's ensemble result, in input order. */
export function predictEnsemble(models: QdfModel[], items: Iterable<Molecule | ParseItem>,
                                options: PredictOptions = {}): PredictionResult[] {
  return [...predictEnsembleStream(models, items, options)];
}

/**
 * `n` iterables over one source, each seeing every item, read once: items wait in a buffer until every branch has
 * taken them (branches read in step, as zipEnsemble reads them, so the buffer stays small).
 */
export function tee<T>(items: Iterable<T>, n: number): Iterable<T>[] {
  const source = items[Symbol.iterator]();
  const buffers: T[][] = Array.from({ length: n }, () => []);
  let done = false;
  function* branch(buffer: T[]): Generator<T> {
    for (;;) {
      if (buffer.length === 0) {
        if (done) return;
        const r = source.next();
        if (r.done) { done = true; return; }
        for (const b of buffers) b.push(r.value);
      }
      yield buffer.shift()!;
    }
  }
  return buffers.map(branch);
}
