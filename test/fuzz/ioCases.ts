// Fuzz cases (seeded) for the readers: molecule files, model headers and metadata, checkpoints, torch pickles and zips.
// Each is a damaged copy of a good input; it must end in a clear error or a finite result (see harness.ts).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseMolecules } from "../../src/chem/parse.js";
import { readText } from "../../src/node/textFile.js";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import { readModelFile, writeModelFile } from "../../src/model/modelFile.js";
import { decodeCheckpoint, encodeCheckpoint } from "../../src/train/checkpoint.js";
import { importTorchCheckpoint } from "../../src/io/torch/importCheckpoint.js";
import { loadModel, predictMolecule } from "../../src/predict/predictor.js";
import { craftLegacy, craftZip, tinyModel } from "../fixtures/torch/craft.js";
import { mulberry32 } from "../random.js";
import { repoRoot, sharedPath } from "../shared.js";
import type { FuzzCase } from "./harness.js";

export const SEED = 20261202;

const dir = mkdtempSync(join(tmpdir(), "qdf-fuzz-"));
const molecules = readFileSync(join(repoRoot, "examples", "molecules.txt"));
const smallModel = new Uint8Array(readFileSync(sharedPath("reference", "train_under7_small_init.safetensors")));
const methane = parseMolecules("m\nC 0 0 0\nH 0.63 0.63 0.63\nH -0.63 -0.63 0.63\nH -0.63 0.63 -0.63\nH 0.63 -0.63 -0.63\n").molecules[0]!;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** A byte-level damage: flips, an inserted or deleted run, a truncation, or a spliced copy of another part. */
function damage(r: Rand, bytes: Uint8Array, from = 0, to = bytes.length): Uint8Array {
  const out = Array.from(bytes);
  const at = from + Math.floor(r() * Math.max(1, to - from));
  switch (Math.floor(r() * 5)) {
    case 0: for (let k = 0; k < 1 + r() * 4; k++) out[from + Math.floor(r() * (to - from))]! ^= 1 << Math.floor(r() * 8); break;
    case 1: out.splice(at, 0, ...Array.from({ length: 1 + Math.floor(r() * 8) }, () => pick(r, [0, 9, 13, 27, 0x80, 0xc3, 0xff, 0x0a, 0x22, 0x2c, 0x7b, 0x7d]))); break;
    case 2: out.splice(at, 1 + Math.floor(r() * 16)); break;
    case 3: out.length = at; break;
    default: { const src = Math.floor(r() * out.length); out.splice(at, 0, ...out.slice(src, src + 1 + Math.floor(r() * 40))); }
  }
  return Uint8Array.from(out);
}

function headerLength(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset).getUint32(0, true);
}

/** Predicts methane with a model file's bytes: the value that must be finite when a damaged file still loads. */
async function loadAndPredict(bytes: Uint8Array): Promise<unknown> {
  readModelFile(bytes);
  const r = predictMolecule(await loadModel(bytes), methane);
  if (r.error) throw new Error(r.error);
  return r.predicted;
}

function moleculeCases(r: Rand, n: number): FuzzCase[] {
  return Array.from({ length: n }, (_, i) => {
    const bytes = damage(r, molecules);
    const path = join(dir, `m${i}.${pick(r, ["txt", "xyz", "txt.gz"]) === "xyz" ? "xyz" : "txt"}`);
    return {
      name: `molecule file ${i}`,
      run: () => {
        writeFileSync(path, bytes);
        const { molecules: ms, errors } = parseMolecules(readText(path), { fileName: path });
        for (const e of errors) if (!/^.+:\d+: molecule /.test(e.message)) throw new TypeError(`an error without file:line: ${e.message}`);
        for (const m of ms) if (/[\u0000-\u001f\u007f-\u009f]/.test(m.id)) throw new TypeError(`an id with a control character: ${JSON.stringify(m.id)}`);
        return ms.map((m) => Array.from(m.coords));
      },
    };
  });
}

function modelCases(r: Rand, n: number): FuzzCase[] {
  const file = readSafetensors(smallModel);
  const sealed = writeModelFile(readModelFile(smallModel), undefined, { integrity: true });
  const keys = Object.keys(file.metadata);
  const values = ["1e-300", "0", "-1", "1e308", "NaN", "100000", "3.5", "0x10", "", "[]", "{}", "1e-3", "10000", "mean", "\u001b[31m"];
  return Array.from({ length: n }, (_, i): FuzzCase => {
    const kind = i % 3;
    if (kind === 0) {
      const key = pick(r, keys), value = pick(r, values);
      return { name: `metadata ${key}=${JSON.stringify(value)}`, run: () => loadAndPredict(writeSafetensors(file.tensors, { ...file.metadata, [key]: value })) };
    }
    if (kind === 1) {
      const bytes = damage(r, smallModel, 8, 8 + headerLength(smallModel));
      return { name: `header bytes ${i}`, run: () => loadAndPredict(bytes) };
    }
    const bytes = damage(r, sealed, 8 + headerLength(sealed));
    return {
      name: `sealed data bytes ${i}`,
      run: () => {
        readModelFile(bytes);
        // A damaged file with its hash must never load (unless the damage missed every byte: then it is the same file).
        if (Buffer.from(bytes).equals(Buffer.from(sealed))) return [];
        throw new TypeError("a damaged sealed model file loaded");
      },
    };
  });
}

function checkpointCases(r: Rand, n: number): FuzzCase[] {
  const model = readModelFile(smallModel);
  const adam = new Map([...model.weights].map(([k, t]) => [k, { step: 7, m: t.data.map((x) => x / 10), v: t.data.map((x) => x * x) }]));
  const good = encodeCheckpoint({
    config: model.config, weights: model.weights, hyper: { batchSize: 4, lr: 1e-3, lrDecay: 0.5, decayEvery: 3, epochs: 9, seed: 7, shuffle: true },
    dataFingerprint: "abc", state: { epoch: 3, rng: [1, 2, 3, 4], adam, seconds: 12.5, log: [] },
  });
  const file = readSafetensors(good);
  const state = JSON.parse(file.metadata.qdf_checkpoint!);
  const fields = ["epoch", "rng", "adamSteps", "seconds", "log", "hyper", "dataFingerprint", "sha256", "version"];
  return Array.from({ length: n }, (_, i): FuzzCase => {
    if (i % 2 === 0) {
      const f = pick(r, fields), v = pick(r, [null, -1, 0, 1e308, "x", [], {}, true, 3.5]);
      const edited = { ...state, [f]: v };
      if (r() < 0.3) delete edited[f];
      const bytes = writeSafetensors(file.tensors, { ...file.metadata, qdf_checkpoint: JSON.stringify(edited) });
      return { name: `checkpoint state ${f}=${JSON.stringify(v)}`, run: () => { decodeCheckpoint(bytes); throw new TypeError("an edited checkpoint state was accepted"); } };
    }
    const bytes = damage(r, good);
    return {
      name: `checkpoint bytes ${i}`,
      run: () => {
        const c = decodeCheckpoint(bytes);
        if (!Buffer.from(bytes).equals(Buffer.from(good))) throw new TypeError("a damaged checkpoint was accepted");
        return c.state.epoch;
      },
    };
  });
}

function torchCases(r: Rand, n: number): FuzzCase[] {
  const tiny = tinyModel();
  const files = [craftLegacy(tiny), craftZip(tiny)];
  return Array.from({ length: n }, (_, i) => {
    const good = files[i % 2]!;
    const bytes = damage(r, good);
    return {
      name: `${i % 2 ? "zip" : "legacy pickle"} ${i}`,
      run: () => Array.from(importTorchCheckpoint(bytes, tiny.orbitals).weights.values()).map((t) => t.data),
    };
  });
}

/** About 300 cases in all. */
export function fuzzCases(): FuzzCase[] {
  const r = mulberry32(SEED);
  return [...moleculeCases(r, 90), ...modelCases(r, 90), ...checkpointCases(r, 60), ...torchCases(r, 60)];
}
