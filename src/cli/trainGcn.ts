// `qdf train --architecture gcn`: the GCN's run with the same outputs, checkpoints and resume as a QDF run.
import { existsSync, readFileSync } from "node:fs";
import type { Molecule } from "../chem/molecule.js";
import { ATOMREF_KEY, formatAtomref } from "../chem/atomref.js";
import { gcnConfigFromMetadata, writeGcnModelFile } from "../gcn/modelFile.js";
import { encodeGcnCheckpoint, trainGcn, type GcnCheckpoint, type GcnEpochRunner, type GcnSizes } from "../gcn/train.js";
import { decodeTrainingState } from "../train/checkpoint.js";
import type { Splits } from "../train/dataset.js";
import type { Hyperparameters } from "../train/trainer.js";
import { UsageError } from "./args.js";
import { Progress } from "./progress.js";
import { epochWriter, type AtomrefBack, type TrainPaths } from "./trainOutputs.js";

export interface GcnCliRun {
  splits: Splits<Molecule[]>;
  hyper: Hyperparameters;
  sizes: GcnSizes;
  paths: TrainPaths;
  save: "best" | "last";
  timeLimit?: number;
  resume: boolean;
  atomref?: AtomrefBack;
  /** Training workers (--workers N > 1); the caller closes them. */
  pool?: GcnEpochRunner;
}

export async function trainGcnFromCli(o: GcnCliRun): Promise<number> {
  let resume: GcnCheckpoint | undefined;
  if (o.resume) {
    if (!existsSync(o.paths.checkpoint)) throw new UsageError(`--resume: no checkpoint at ${o.paths.checkpoint}`);
    const what = `checkpoint ${o.paths.checkpoint}`;
    const { metadata, ...rest } = decodeTrainingState(new Uint8Array(readFileSync(o.paths.checkpoint)), what);
    if (metadata.architecture !== "gcn") throw new UsageError(`--resume: ${what} is not a GCN checkpoint`);
    resume = { ...rest, config: gcnConfigFromMetadata(metadata) };
  }
  const nTrain = o.splits.train.length;
  const startDone = (resume?.state.epoch ?? 0) * nTrain;
  const progress = new Progress("train", nTrain * o.hyper.epochs - startDone);
  const extra = o.atomref ? { [ATOMREF_KEY]: formatAtomref(o.atomref.ref) } : undefined;
  let write: ReturnType<typeof epochWriter> | null = null;
  const { model, log } = await trainGcn({
    splits: o.splits, hyper: o.hyper, sizes: o.sizes, resume, timeLimit: o.timeLimit, pool: o.pool,
    onBatch: (epoch, b) => progress.update(epoch * nTrain + Math.min(nTrain, (b + 1) * o.hyper.batchSize) - startDone),
    onEpoch: ({ row, log: rows, val, test, checkpoint, trainer }) => {
      write ??= epochWriter(o.paths, o.save, Math.min(Infinity, ...(resume?.state.log.map((r) => r.maeVal) ?? [])), trainer.model.config, o.atomref);
      write(row, rows, val, test, () => writeGcnModelFile(trainer.model.toData(), extra), () => encodeGcnCheckpoint(checkpoint()));
    },
  });
  progress.finish(Math.max(0, o.hyper.epochs * nTrain - startDone));
  process.stderr.write(`done: ${log.length} epochs; model ${o.paths.model}, log ${o.paths.log}\n`);
  model.dispose();
  return 0;
}
