// `qdf train`: trains a QDF model on DIR/{train,val,test}.txt with per-epoch log, predictions and resumable checkpoints.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readModelFile } from "../model/modelFile.js";
import { writeModelFile } from "../model/modelFile.js";
import { writeFileAtomic } from "../node/atomicWrite.js";
import { parseSplit, propertyFromDirName, SPLIT_NAMES, streamSplit, type Splits } from "../train/dataset.js";
import { readTextPieces } from "../node/textFile.js";
import type { Molecule } from "../chem/molecule.js";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "../train/checkpoint.js";
import { PUBLISHED_HYPERPARAMETERS, PUBLISHED_SIZES, train, type ModelSizes } from "../train/train.js";
import { TrainPool } from "../train/parallel.js";
import type { EpochRow, Hyperparameters } from "../train/trainer.js";
import type { PredictionResult } from "../predict/result.js";
import { choiceOption, numberOption, parseCommand, READOUTS, requiredOption, UsageError, workersOption, type Parsed } from "./args.js";
import { CONFIG_BOUNDS as B, configBoundsProblem } from "../model/configBounds.js";
import { GCN_HYPERPARAMETERS, GCN_SIZES, type GcnSizes } from "../gcn/train.js";
import type { Command } from "./command.js";
import { Progress, formatSeconds } from "./progress.js";
import { ATOMREF_KEY, atomrefOffset, fitAtomref, formatAtomref, subtractAtomref, type Atomref } from "../chem/atomref.js";
import { trainGcnFromCli } from "./trainGcn.js";
import { epochWriter, trainPaths } from "./trainOutputs.js";

const P = PUBLISHED_SIZES, H = PUBLISHED_HYPERPARAMETERS;
/** Default feature cache per split (bench/train-memory: what it buys against featurising every batch). */
const CACHE_MB = 0;
const spec = {
  usage: "qdf train --data DIR --out MODEL.safetensors [options]",
  help: `
Trains a QDF model (method.md section 6: per batch an energy step then a potential step, one Adam optimizer), or
with --architecture gcn the authors' 3D graph convolutional network (energy loss only), on DIR/train.txt, evaluating on DIR/val.txt and DIR/test.txt after every epoch. Beside MODEL it writes
MODEL-without-.safetensors plus .log.tsv (epoch, seconds, loss_E, loss_V, MAE_val, MAE_test), .val.tsv and
.test.tsv (predictions as qdf predict writes them), and MODEL.ckpt (a checkpoint every epoch, for --resume).
Defaults are the published hyperparameters (for the GCN: the authors' main/train.sh, dim 200, 6 + 6 layers,
batch 32, lr 1e-3, decay 0.99 every 10 epochs, 3000 epochs).

options:
  --architecture A    qdf (default) or gcn
  --atomref none|fit  fit: least squares of the targets on element counts over train.txt; the model learns the
                      residual, the fit is stored in the model and added back at prediction (default none)
  --time-limit S      stop after the first epoch that ends past S seconds of training
  --data DIR          folder with train.txt, val.txt, test.txt (QDF text with property lines)
  --out FILE          the trained model (.safetensors)
  --basis NAME        basis set (default ${P.basisSet}; "minimal": one s-type Gaussian per atom, exponent per element)
  --field grid|atoms  where the orbitals live: the grid around each atom (default) or the nuclei themselves
                      (with --basis minimal, the LCAO is one graph convolution with A = exp(-zeta D^2))
  --radius R          sphere radius of the grid field, angstrom (default ${P.radius})
  --grid G            grid interval, angstrom (default ${P.gridInterval})
  --dim D             orbital / functional width (default ${P.dim})
  --layers L          functional layers (default ${P.layerFunctional}; GCN: convolution layers, default 6)
  --output-layers L   GCN only: dense layers before the sum over atoms (default 6)
  --hk-dim H          Hohenberg-Kohn map width (default ${P.hiddenHK})
  --hk-layers L       Hohenberg-Kohn map layers (default ${P.layerHK})
  --readout sum|mean  reduction over field points (default ${P.operation}; mean for intensive properties)
  --property TEXT     property name stored in the model (default from DIR's name, e.g. "atomization energy (eV)")
  --batch N           molecules per batch (default ${H.batchSize})
  --lr X              learning rate (default ${H.lr})
  --lr-decay X        learning-rate factor every --decay-every epochs (default ${H.lrDecay})
  --decay-every N     epochs between decays (default ${H.decayEvery})
  --epochs N          epochs (default ${H.epochs})
  --seed S            seed of the initial weights and the shuffles (default ${H.seed})
  --no-shuffle        batches in file order (as the reference trajectories)
  --save best|last    which epoch's model and predictions to keep: lowest MAE_val or the last (default last)
  --init MODEL        start from these weights (their metadata fixes the sizes and the orbital table)
  --resume            continue from MODEL.ckpt (same data and options; --epochs may be raised)
  --cache-mb M        features (field points, distances, potentials) each split keeps between uses, MiB
                      (default ${CACHE_MB}); the rest are computed per batch, so memory does not grow with the data
  --workers N         worker threads that split every batch (each computes its share's gradients; the summed
                      step is the one-process step up to float rounding; at most --batch are used; default 1:
                      all in this thread; QDF and GCN alike; a checkpoint resumes with any N)
  -h, --help          this help`,
  options: {
    data: { type: "string" as const }, out: { type: "string" as const }, basis: { type: "string" as const },
    radius: { type: "string" as const }, grid: { type: "string" as const }, dim: { type: "string" as const },
    layers: { type: "string" as const }, "hk-dim": { type: "string" as const }, "hk-layers": { type: "string" as const },
    readout: { type: "string" as const }, property: { type: "string" as const }, batch: { type: "string" as const },
    lr: { type: "string" as const }, "lr-decay": { type: "string" as const }, "decay-every": { type: "string" as const },
    epochs: { type: "string" as const }, seed: { type: "string" as const }, "no-shuffle": { type: "boolean" as const },
    save: { type: "string" as const }, init: { type: "string" as const }, resume: { type: "boolean" as const },
    workers: { type: "string" as const }, architecture: { type: "string" as const }, atomref: { type: "string" as const },
    "time-limit": { type: "string" as const }, field: { type: "string" as const }, "output-layers": { type: "string" as const },
    "cache-mb": { type: "string" as const },
  },
};

/** DIR's split files, checked to exist. */
function splitFiles(dir: string): Splits<string> {
  const files = {} as Splits<string>;
  for (const s of SPLIT_NAMES) {
    files[s] = join(dir, `${s}.txt`);
    if (!existsSync(files[s])) throw new UsageError(`--data ${dir}: ${s}.txt not found`);
  }
  return files;
}

/** The splits of DIR as streams, read once as training starts into compact stores: memory does not grow with them. */
function streamSplits(dir: string): Splits<Iterable<Molecule>> {
  const files = splitFiles(dir), out = {} as Splits<Iterable<Molecule>>;
  for (const s of SPLIT_NAMES) out[s] = streamSplit(readTextPieces(files[s]), files[s]);
  return out;
}

/** The splits of DIR, with targets less the atomref when one is fitted (on train.txt only). */
function readSplits(dir: string, atomrefMode: "none" | "fit") {
  const files = splitFiles(dir), splits = {} as Splits<Molecule[]>;
  for (const s of SPLIT_NAMES) splits[s] = parseSplit(readTextPieces(files[s]), files[s]);
  if (atomrefMode === "none") return { splits };
  const ref = fitAtomref(splits.train);
  const symbols = new Map(SPLIT_NAMES.flatMap((s) => splits[s].map((m) => [m.id, m.symbols] as [string, string[]])));
  const residual = {} as Splits<Molecule[]>;
  for (const s of SPLIT_NAMES) residual[s] = subtractAtomref(splits[s], ref);
  const mae = residual.val.reduce((a, m) => a + m.properties!.reduce((b, x) => b + Math.abs(x), 0), 0) / (residual.val.length * residual.val[0]!.properties!.length);
  process.stderr.write(`atomref (least squares on ${splits.train.length} training molecules): ` +
    `${Object.entries(ref).map(([e, r]) => `${e} ${r.map((x) => x.toPrecision(8)).join(",")}`).join("  ")}; ` +
    `the fit alone: MAE_val ${mae.toPrecision(4)}\n`);
  return { splits: residual, atomref: { ref, symbols } };
}

/** The hyperparameters from the options, with an architecture's defaults. */
function hyperparameters(v: Parsed["values"], d: Hyperparameters): Hyperparameters {
  return {
    batchSize: numberOption(v, "batch", d.batchSize, { integer: true, min: 1, max: 1e6 }), lr: numberOption(v, "lr", d.lr, { above: 0 }),
    lrDecay: numberOption(v, "lr-decay", d.lrDecay, { above: 0, max: 1 }),
    decayEvery: numberOption(v, "decay-every", d.decayEvery, { integer: true, min: 1, max: 1e9 }), epochs: numberOption(v, "epochs", d.epochs, { integer: true, min: 1, max: 1e9 }),
    seed: numberOption(v, "seed", d.seed, { integer: true, min: 0, max: 2 ** 32 - 1 }), shuffle: !v["no-shuffle"],
  };
}

async function run(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args) return 0;
  const v = args.values;
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"\nusage: ${spec.usage}`);
  const dir = requiredOption(v, "data");
  const paths = trainPaths(requiredOption(v, "out"));
  const architecture = choiceOption(v, "architecture", ["qdf", "gcn"] as const, "qdf");
  const readout = choiceOption(v, "readout", READOUTS, P.operation);
  const save = choiceOption(v, "save", ["best", "last"] as const, "last");
  const atomrefMode = choiceOption(v, "atomref", ["none", "fit"] as const, "none");
  const timeLimit = v["time-limit"] === undefined ? undefined : numberOption(v, "time-limit", 0, { above: 0, max: 1e9 });
  const property = (v.property as string | undefined) ?? propertyFromDirName(dir);
  if (architecture === "gcn") {
    const ignored = ["basis", "field", "radius", "grid", "hk-dim", "hk-layers", "init"].filter((k) => v[k] !== undefined);
    if (ignored.length > 0) throw new UsageError(`${ignored.map((k) => `--${k}`).join(", ")} do not apply to --architecture gcn`);
    const hyper = hyperparameters(v, GCN_HYPERPARAMETERS);
    // More workers than molecules per batch would idle.
    const workers = Math.min(workersOption(v, 1, 1), hyper.batchSize);
    const sizes: GcnSizes = {
      dim: numberOption(v, "dim", GCN_SIZES.dim, { integer: true, min: 1, max: B.dim[1] }),
      layerHidden: numberOption(v, "layers", GCN_SIZES.layerHidden, { integer: true, min: 0, max: B.layerFunctional[1] }),
      layerOutput: numberOption(v, "output-layers", GCN_SIZES.layerOutput, { integer: true, min: 0, max: B.layerFunctional[1] }), operation: readout, property,
    };
    const { splits, atomref } = readSplits(dir, atomrefMode);
    const pool = workers > 1 ? new TrainPool(workers) : undefined;
    // The pool's threads would keep the process alive: closed however training ends.
    try {
      return await trainGcnFromCli({ splits, hyper, sizes, paths, save, timeLimit, resume: !!v.resume, atomref, pool });
    } finally {
      await pool?.close();
    }
  }
  if (v["output-layers"] !== undefined) throw new UsageError("--output-layers applies to --architecture gcn only");
  const sizes: ModelSizes = {
    basisSet: (v.basis as string | undefined) ?? P.basisSet,
    ...(choiceOption(v, "field", ["grid", "atoms"] as const, "grid") === "atoms" ? { field: "atoms" as const } : {}),
    radius: numberOption(v, "radius", P.radius, { min: B.radius[0], max: B.radius[1] }),
    gridInterval: numberOption(v, "grid", P.gridInterval, { min: B.gridInterval[0], max: B.gridInterval[1] }),
    dim: numberOption(v, "dim", P.dim, { integer: true, min: B.dim[0], max: B.dim[1] }),
    layerFunctional: numberOption(v, "layers", P.layerFunctional, { integer: true, min: B.layerFunctional[0], max: B.layerFunctional[1] }),
    hiddenHK: numberOption(v, "hk-dim", P.hiddenHK, { integer: true, min: B.hiddenHK[0], max: B.hiddenHK[1] }),
    layerHK: numberOption(v, "hk-layers", P.layerHK, { integer: true, min: B.layerHK[0], max: B.layerHK[1] }),
    operation: readout, property,
  };
  const flag = { radius: "--radius", gridInterval: "--grid", dim: "--dim", layerFunctional: "--layers", hiddenHK: "--hk-dim", layerHK: "--hk-layers" };
  const outOfBounds = configBoundsProblem(sizes, (k) => flag[k]);
  if (outOfBounds) throw new UsageError(outOfBounds);
  const hyper = hyperparameters(v, H);
  // More workers than molecules per batch would idle.
  const workers = Math.min(workersOption(v, 1, 1), hyper.batchSize);
  const cacheBytes = numberOption(v, "cache-mb", CACHE_MB, { min: 0, max: 2 ** 30 }) * 2 ** 20;
  // Without an atomref (whose fit needs the whole training split) the splits stream into compact stores.
  const { splits, atomref } = atomrefMode === "none" ? { splits: streamSplits(dir), atomref: undefined } : readSplits(dir, atomrefMode);
  const init = v.init ? readModelFile(new Uint8Array(readFileSync(v.init as string))) : undefined;
  const sizeFlags = ["basis", "field", "radius", "grid", "dim", "layers", "hk-dim", "hk-layers", "readout", "property"].filter((k) => v[k] !== undefined);
  if (init && sizeFlags.length > 0) {
    process.stderr.write(`note: --init fixes the model's sizes and orbital table; ignoring ${sizeFlags.map((k) => `--${k}`).join(", ")}\n`);
  }
  let resume: Checkpoint | undefined;
  if (v.resume) {
    if (!existsSync(paths.checkpoint)) throw new UsageError(`--resume: no checkpoint at ${paths.checkpoint}`);
    resume = decodeCheckpoint(new Uint8Array(readFileSync(paths.checkpoint)), `checkpoint ${paths.checkpoint}`);
    if (resume.state.epoch >= hyper.epochs) {
      process.stderr.write(`checkpoint is at epoch ${resume.state.epoch}: nothing left to do for --epochs ${hyper.epochs}\n`);
    }
  }

  let nTrain = 0, startDone = 0;
  // The bar counts this run's molecules (a resumed run starts at zero), for an honest rate and ETA.
  let progress = new Progress("train", 0);
  const extra = atomref ? { [ATOMREF_KEY]: formatAtomref(atomref.ref) } : undefined;
  let write: ReturnType<typeof epochWriter> | null = null;
  const pool = workers > 1 ? new TrainPool(workers) : undefined;
  // The pool's threads would keep the process alive: closed however training ends.
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train({
      splits, hyper, sizes, init, resume, pool, timeLimit, cacheBytes,
      onStart: (trainer) => {
        nTrain = trainer.data.train.length;
        startDone = (resume?.state.epoch ?? 0) * nTrain;
        progress = new Progress("train", nTrain * hyper.epochs - startDone);
      },
      onBatch: (epoch, b) => progress.update(epoch * nTrain + Math.min(nTrain, (b + 1) * hyper.batchSize) - startDone),
      onEpoch: ({ row, val, test, checkpoint, trainer }) => {
        write ??= epochWriter(paths, save, Math.min(Infinity, ...(resume?.state.log.map((r) => r.maeVal) ?? [])), trainer.model.config, atomref);
        write(row, trainer.log, val, test, () => writeModelFile(trainer.model.toData(), extra, { integrity: true }), () => encodeCheckpoint(checkpoint()));
      },
    });
  } finally {
    await pool?.close();
  }
  const { model, log } = result;
  progress.finish(Math.max(0, hyper.epochs * nTrain - startDone));
  const last = log[log.length - 1];
  if (last) process.stderr.write(`done: ${log.length} epochs; model ${paths.model}, log ${paths.log}\n`);
  model.dispose();
  return 0;
}

export const trainCommand: Command = { name: "train", summary: "train a QDF model (energy and potential steps, resumable) or a 3D GCN", run };
