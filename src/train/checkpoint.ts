// Training checkpoints: weights, Adam moments and steps, epoch, RNG state, log, config, in one checksummed safetensors file.
import { crc32 as crc32Number } from "../io/crc32.js";
import type { QdfConfig, Weights, Float32Tensor } from "../model/config.js";
import { configFromMetadata, configToMetadata } from "../model/modelFile.js";
import { readSafetensors } from "../io/safetensors.js";
import { writeSafetensors } from "../io/safetensors.js";
import type { Hyperparameters, TrainerState, EpochRow } from "./trainer.js";
import type { AdamParamState } from "./adam.js";

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

const KEY = "qdf_checkpoint";
const VERSION = 1;

export interface Checkpoint {
  config: QdfConfig;
  weights: Weights;
  state: TrainerState;
  hyper: Hyperparameters;
  /** Identifies the training data (a checksum of the split texts): a checkpoint only continues on its own data. */
  dataFingerprint: string;
}

interface Meta {
  version: number;
  epoch: number;
  rng: number[];
  adamSteps: Record<string, number>;
  seconds: number;
  log: EpochRow[];
  hyper: Hyperparameters;
  dataFingerprint: string;
  crc32: string;
}

/** CRC-32 (IEEE) over byte chunks, as 8 hex digits. */
export function crc32(chunks: Iterable<Uint8Array>): string {
  return crc32Number(chunks).toString(16).padStart(8, "0");
}

function tensorBytes(tensors: Map<string, Float32Tensor>): Uint8Array[] {
  return [...tensors.keys()].sort().flatMap((name) => {
    const t = tensors.get(name)!;
    return [new TextEncoder().encode(`${name}:${t.shape.join(",")};`), new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)];
  });
}

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  return encodeTrainingState(configToMetadata(c.config), c);
}

/** The checkpoint file for any architecture: its config as metadata, the weights, Adam's moments and the trainer state. */
export function encodeTrainingState(configMetadata: Record<string, string>, c: Omit<Checkpoint, "config">): Uint8Array {
  const tensors = new Map<string, Float32Tensor>(c.weights);
  const adamSteps: Record<string, number> = {};
  for (const [name, st] of c.state.adam) {
    const shape = c.weights.get(name)!.shape;
    tensors.set(`adam.m/${name}`, { shape, data: st.m });
    tensors.set(`adam.v/${name}`, { shape, data: st.v });
    adamSteps[name] = st.step;
  }
  const meta: Meta = {
    version: VERSION, epoch: c.state.epoch, rng: c.state.rng, adamSteps, seconds: c.state.seconds, log: c.state.log,
    hyper: c.hyper, dataFingerprint: c.dataFingerprint, crc32: crc32(tensorBytes(tensors)),
  };
  return writeSafetensors(tensors, { ...configMetadata, [KEY]: JSON.stringify(meta) });
}

/** A checkpoint as stored, before its config metadata is read (that depends on the architecture). */
export type TrainingStateFile = Omit<Checkpoint, "config"> & { metadata: Record<string, string> };

/** Reads a checkpoint; a damaged or foreign file is a CheckpointError saying what is wrong. */
export function decodeCheckpoint(bytes: Uint8Array, what = "checkpoint"): Checkpoint {
  const { metadata, ...rest } = decodeTrainingState(bytes, what);
  let config: QdfConfig;
  try {
    config = configFromMetadata(metadata, rest.weights);
  } catch (e) {
    throw new CheckpointError(`${what} is corrupt (${(e as Error).message})`);
  }
  return { config, ...rest };
}

/** The weights, Adam state, trainer state and raw config metadata of a checkpoint file of any architecture. */
export function decodeTrainingState(bytes: Uint8Array, what = "checkpoint"): TrainingStateFile {
  let file;
  try {
    file = readSafetensors(bytes);
  } catch (e) {
    throw new CheckpointError(`${what} is corrupt (${(e as Error).message})`);
  }
  const raw = file.metadata[KEY];
  if (raw === undefined) throw new CheckpointError(`${what} is not a qdf training checkpoint (no "${KEY}" metadata)`);
  let meta: Meta;
  try {
    meta = JSON.parse(raw) as Meta;
  } catch {
    throw new CheckpointError(`${what} is corrupt (its "${KEY}" metadata is not JSON)`);
  }
  if (meta.version !== VERSION) throw new CheckpointError(`${what} has format version ${meta.version}, this qdf reads ${VERSION}`);
  if (crc32(tensorBytes(file.tensors)) !== meta.crc32) throw new CheckpointError(`${what} is corrupt (tensor checksum mismatch)`);
  const weights: Weights = new Map();
  const adam = new Map<string, AdamParamState>();
  for (const [name, t] of file.tensors) {
    if (name.startsWith("adam.")) continue;
    weights.set(name, t);
  }
  for (const [name, step] of Object.entries(meta.adamSteps)) {
    const m = file.tensors.get(`adam.m/${name}`), v = file.tensors.get(`adam.v/${name}`);
    if (!m || !v) throw new CheckpointError(`${what} is corrupt (Adam moments of ${name} missing)`);
    adam.set(name, { step, m: m.data, v: v.data });
  }
  const { [KEY]: _, ...metadata } = file.metadata;
  return {
    metadata, weights, hyper: meta.hyper, dataFingerprint: meta.dataFingerprint,
    state: { epoch: meta.epoch, rng: meta.rng, adam, seconds: meta.seconds, log: meta.log },
  };
}

/**
 * Why a checkpoint cannot continue this run (null: it can). Everything must match except the number of epochs
 * (a finished run may be extended).
 */
export function checkpointMismatch(c: Checkpoint, config: QdfConfig, hyper: Hyperparameters, dataFingerprint: string): string | null {
  if (c.dataFingerprint === dataFingerprint && c.config.outputs !== config.outputs) {
    return `it has ${c.config.outputs} outputs, this run ${config.outputs}`;
  }
  return stateMismatch(c, configToMetadata(c.config), configToMetadata(config), hyper, dataFingerprint);
}

/** checkpointMismatch for any architecture, given both configs as metadata. */
export function stateMismatch(c: Omit<Checkpoint, "config">, saved: Record<string, string>, current: Record<string, string>,
                              hyper: Hyperparameters, dataFingerprint: string): string | null {
  if (c.dataFingerprint !== dataFingerprint) return "it was made on different training data";
  for (const k of Object.keys(current)) {
    // Checkpoints from before the atom-count range was recorded still resume (the data fingerprint ties the data).
    if (k === "atom_count_range" && saved[k] === undefined) continue;
    if (saved[k] !== current[k]) return `its ${k} is ${saved[k]}, this run's is ${current[k]}`;
  }
  for (const k of ["batchSize", "lr", "lrDecay", "decayEvery", "seed", "shuffle"] as const) {
    if (c.hyper[k] !== hyper[k]) return `its ${k} is ${c.hyper[k]}, this run's is ${hyper[k]}`;
  }
  return null;
}
