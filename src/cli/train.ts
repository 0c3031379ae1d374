// `qdf train`: trains a QDF model on DIR/{train,val,test}.txt with per-epoch log, predictions and resumable checkpoints.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readModelFile } from "../model/modelFile.js";
import { writeModelFile } from "../model/modelFile.js";
import { writeFileAtomic } from "../node/atomicWrite.js";
import { tsvHeader, tsvRow } from "../io/predictionsTsv.js";
import { parseSplit, propertyFromDirName, SPLIT_NAMES, type Splits } from "../train/dataset.js";
import type { Molecule } from "../chem/molecule.js";
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from "../train/checkpoint.js";
import { PUBLISHED_HYPERPARAMETERS, PUBLISHED_SIZES, train, type ModelSizes } from "../train/train.js";
import { TrainPool } from "../train/parallel.js";
import type { EpochRow, Hyperparameters } from "../train/trainer.js";
import type { PredictionResult } from "../predict/result.js";
import { choiceOption, numberOption, parseCommand, READOUTS, requiredOption, UsageError } from "./args.js";
import type { Command } from "./command.js";
import { Progress, formatSeconds } from "./progress.js";

const P = PUBLISHED_SIZES, H = PUBLISHED_HYPERPARAMETERS;
const spec = {
  usage: "qdf train --data DIR --out MODEL.safetensors [options]",
  help: `
Trains a QDF model (method.md section 6: per batch an energy step then a potential step, one Adam optimizer) on
DIR/train.txt, evaluating on DIR/val.txt and DIR/test.txt after every epoch. Beside MODEL it writes
MODEL-without-.safetensors plus .log.tsv (epoch, seconds, loss_E, loss_V, MAE_val, MAE_test), .val.tsv and
.test.tsv (predictions as qdf predict writes them), and MODEL.ckpt (a checkpoint every epoch, for --resume).
Defaults are the published hyperparameters.

options:
  --data DIR          folder with train.txt, val.txt, test.txt (QDF text with property lines)
  --out FILE          the trained model (.safetensors)
  --basis NAME        basis set (default ${P.basisSet})
  --radius R          sphere radius of the grid field, angstrom (default ${P.radius})
  --grid G            grid interval, angstrom (default ${P.gridInterval})
  --dim D             orbital / functional width (default ${P.dim})
  --layers L          functional layers (default ${P.layerFunctional})
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
  --workers N         worker threads that split every batch (each computes its share's gradients; the summed
                      step is the one-process step up to float rounding; at most --batch are used; default 1:
                      all in this thread)
  -h, --help          this help`,
  options: {
    data: { type: "string" as const }, out: { type: "string" as const }, basis: { type: "string" as const },
    radius: { type: "string" as const }, grid: { type: "string" as const }, dim: { type: "string" as const },
    layers: { type: "string" as const }, "hk-dim": { type: "string" as const }, "hk-layers": { type: "string" as const },
    readout: { type: "string" as const }, property: { type: "string" as const }, batch: { type: "string" as const },
    lr: { type: "string" as const }, "lr-decay": { type: "string" as const }, "decay-every": { type: "string" as const },
    epochs: { type: "string" as const }, seed: { type: "string" as const }, "no-shuffle": { type: "boolean" as const },
    save: { type: "string" as const }, init: { type: "string" as const }, resume: { type: "boolean" as const },
    workers: { type: "string" as const },
  },
};

/** Output paths beside the model. */
function trainPaths(out: string) {
  const base = out.replace(/\.safetensors$/i, "");
  return { model: out, log: `${base}.log.tsv`, val: `${base}.val.tsv`, test: `${base}.test.tsv`, checkpoint: `${out}.ckpt` };
}

function logTsv(rows: EpochRow[]): string {
  return "epoch\tseconds\tloss_E\tloss_V\tMAE_val\tMAE_test\n" +
    rows.map((r) => [r.epoch, r.seconds.toFixed(3), r.lossE, r.lossV, r.maeVal, r.maeTest].join("\t") + "\n").join("");
}

function predictionsTsv(results: PredictionResult[], outputs: number): string {
  return tsvHeader(outputs, true) + results.map((r) => tsvRow(r, true)).join("");
}

async function run(argv: string[]): Promise<number> {
  const args = parseCommand(spec, argv);
  if (!args) return 0;
  const v = args.values;
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"\nusage: ${spec.usage}`);
  const dir = requiredOption(v, "data");
  const paths = trainPaths(requiredOption(v, "out"));
  const readout = choiceOption(v, "readout", READOUTS, P.operation);
  const save = choiceOption(v, "save", ["best", "last"] as const, "last");
  const sizes: ModelSizes = {
    basisSet: (v.basis as string | undefined) ?? P.basisSet,
    radius: numberOption(v, "radius", P.radius, { above: 0 }), gridInterval: numberOption(v, "grid", P.gridInterval, { above: 0 }),
    dim: numberOption(v, "dim", P.dim, { integer: true, min: 1 }), layerFunctional: numberOption(v, "layers", P.layerFunctional, { integer: true, min: 1 }),
    hiddenHK: numberOption(v, "hk-dim", P.hiddenHK, { integer: true, min: 1 }), layerHK: numberOption(v, "hk-layers", P.layerHK, { integer: true, min: 1 }),
    operation: readout, property: (v.property as string | undefined) ?? propertyFromDirName(dir),
  };
  const hyper: Hyperparameters = {
    batchSize: numberOption(v, "batch", H.batchSize, { integer: true, min: 1 }), lr: numberOption(v, "lr", H.lr, { above: 0 }), lrDecay: numberOption(v, "lr-decay", H.lrDecay, { above: 0 }),
    decayEvery: numberOption(v, "decay-every", H.decayEvery, { integer: true, min: 1 }), epochs: numberOption(v, "epochs", H.epochs, { integer: true, min: 1 }),
    seed: numberOption(v, "seed", H.seed, { integer: true, min: 0 }), shuffle: !v["no-shuffle"],
  };
  // More workers than molecules per batch would idle.
  const workers = Math.min(numberOption(v, "workers", 1, { integer: true, min: 1 }), hyper.batchSize);
  const splits = {} as Splits<Molecule[]>;
  for (const s of SPLIT_NAMES) {
    const file = join(dir, `${s}.txt`);
    if (!existsSync(file)) throw new UsageError(`--data ${dir}: ${s}.txt not found`);
    splits[s] = parseSplit(readFileSync(file, "utf8"), file);
  }
  const init = v.init ? readModelFile(new Uint8Array(readFileSync(v.init as string))) : undefined;
  const sizeFlags = ["basis", "radius", "grid", "dim", "layers", "hk-dim", "hk-layers", "readout", "property"].filter((k) => v[k] !== undefined);
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

  const nTrain = splits.train.length;
  const startDone = (resume?.state.epoch ?? 0) * nTrain;
  // The bar counts this run's molecules (a resumed run starts at zero), for an honest rate and ETA.
  const progress = new Progress("train", nTrain * hyper.epochs - startDone);
  let best = Math.min(Infinity, ...(resume?.state.log.map((r) => r.maeVal) ?? []));
  const pool = workers > 1 ? new TrainPool(workers) : undefined;
  // The pool's threads would keep the process alive: closed however training ends.
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train({
      splits, hyper, sizes, init, resume, pool,
      onBatch: (epoch, b) => progress.update(epoch * nTrain + Math.min(nTrain, (b + 1) * hyper.batchSize) - startDone),
      onEpoch: ({ row, val, test, checkpoint, trainer }) => {
        const K = trainer.data.outputs;
        if (save === "last" || row.maeVal < best) {
          best = Math.min(best, row.maeVal);
          writeFileAtomic(paths.model, writeModelFile(trainer.model.toData()));
          writeFileAtomic(paths.val, predictionsTsv(val, K));
          writeFileAtomic(paths.test, predictionsTsv(test, K));
        }
        writeFileAtomic(paths.log, logTsv(trainer.log));
        writeFileAtomic(paths.checkpoint, encodeCheckpoint(checkpoint()));
        process.stderr.write(`${process.stderr.isTTY ? "\r\x1b[K" : ""}epoch ${row.epoch}  ${formatSeconds(row.seconds)}  ` +
          `loss_E ${row.lossE.toPrecision(5)}  loss_V ${row.lossV.toPrecision(5)}  MAE_val ${row.maeVal.toPrecision(4)}  ` +
          `MAE_test ${row.maeTest.toPrecision(4)}\n`);
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

export const trainCommand: Command = { name: "train", summary: "train a QDF model (energy and potential steps, resumable)", run };
