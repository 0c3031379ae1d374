// What a training run writes beside its model, for every architecture: paths, the epoch log, prediction tables.
import { writeFileAtomic } from "../node/atomicWrite.js";
import { tableHeader, tableRow, type TableLayout } from "../io/predictionTable.js";
import { outputUnit } from "../io/units.js";
import { atomrefOffset, type Atomref } from "../chem/atomref.js";
import type { EpochRow } from "../train/trainer.js";
import type { PredictionResult } from "../predict/result.js";
import { formatSeconds } from "./progress.js";

/** An atomref and each molecule's elements, to put the offsets back into the prediction tables. */
export interface AtomrefBack {
  ref: Atomref;
  symbols: Map<string, string[]>;
}

/** Output paths beside the model. */
export function trainPaths(out: string) {
  const base = out.replace(/\.safetensors$/i, "");
  return { model: out, log: `${base}.log.tsv`, val: `${base}.val.tsv`, test: `${base}.test.tsv`, checkpoint: `${out}.ckpt` };
}

function logTsv(rows: EpochRow[]): string {
  return "epoch\tseconds\tloss_E\tloss_V\tMAE_val\tMAE_test\n" +
    rows.map((r) => [r.epoch, r.seconds.toFixed(3), r.lossE, r.lossV, r.maeVal, r.maeTest].join("\t") + "\n").join("");
}

/** What the prediction tables need of a model: K and the property (its unit names the columns). */
export interface TableModel { outputs: number; property: string }

/**
 * The predictions TSV in `qdf predict`'s layout; with an atomref, offsets added back to predicted and true values
 * (the user's units).
 */
function predictionsTsv(results: PredictionResult[], model: TableModel, atomref?: AtomrefBack): string {
  const outputs = model.outputs;
  const rows = !atomref ? results : results.map((r) => {
    const off = atomrefOffset({ id: r.id, symbols: atomref.symbols.get(r.id)! }, atomref.ref, outputs);
    return { ...r, predicted: r.predicted!.map((p, k) => p + off[k]!), true: r.true!.map((t, k) => t + off[k]!) };
  });
  const layout: TableLayout = { outputs, unit: outputUnit(model.property), withTrue: true };
  return tableHeader(layout) + rows.map((r) => tableRow(r, layout)).join("");
}

export type TrainPaths = ReturnType<typeof trainPaths>;

/**
 * What every epoch writes, whatever the architecture: the model and predictions (each epoch, or on a new best
 * MAE_val), the log and the checkpoint, and a line on stderr.
 */
export function epochWriter(paths: TrainPaths, save: "best" | "last", bestSoFar: number, table: TableModel,
                            atomref?: AtomrefBack) {
  let best = bestSoFar;
  return (row: EpochRow, log: EpochRow[], val: PredictionResult[], test: PredictionResult[], model: () => Uint8Array, checkpoint: () => Uint8Array): void => {
    if (save === "last" || row.maeVal < best) {
      best = Math.min(best, row.maeVal);
      writeFileAtomic(paths.model, model());
      writeFileAtomic(paths.val, predictionsTsv(val, table, atomref));
      writeFileAtomic(paths.test, predictionsTsv(test, table, atomref));
    }
    writeFileAtomic(paths.log, logTsv(log));
    writeFileAtomic(paths.checkpoint, checkpoint());
    process.stderr.write(`${process.stderr.isTTY ? "\r\x1b[K" : ""}epoch ${row.epoch}  ${formatSeconds(row.seconds)}  ` +
      `loss_E ${row.lossE.toPrecision(5)}  loss_V ${row.lossV.toPrecision(5)}  MAE_val ${row.maeVal.toPrecision(4)}  ` +
      `MAE_test ${row.maeTest.toPrecision(4)}\n`);
  };
}

