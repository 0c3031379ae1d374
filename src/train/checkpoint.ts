// Training checkpoints: weights, Adam moments and steps, epoch, RNG state, log, config, in one safetensors file whose
// SHA-256 covers all of it (tensors, the JSON state and the config), so an edited epoch or RNG state is refused.
import { crc32 as crc32Number } from "../io/crc32.js";
import { contentSha256 } from "../io/contentHash.js";
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
/** 2: a SHA-256 over the whole state (1 had a CRC over the tensors only, so its JSON could be edited unseen). */
const VERSION = 2;

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
  /** SHA-256 of the tensors, this JSON without the field itself, and the other metadata (see stateHash). */
  sha256: string;
}

/** The hash a checkpoint carries: tensors (names, shapes, bytes), the state's JSON, and every other metadata key. */
function stateHash(tensors: Map<string, Float32Tensor>, stateJson: string, otherMetadata: Record<string, string>): string {
  return contentSha256(tensors, { ...otherMetadata, [KEY]: stateJson });
}

/** CRC-32 (IEEE) over byte chunks, as 8 hex digits. */
export function crc32(chunks: Iterable<Uint8Array>): string {
  return crc32Number(chunks).toString(16).padStart(8, "0");
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
  const state: Omit<Meta, "sha256"> = {
    version: VERSION, epoch: c.state.epoch, rng: c.state.rng, adamSteps, seconds: c.state.seconds, log: c.state.log,
    hyper: c.hyper, dataFingerprint: c.dataFingerprint,
  };
  const stateJson = JSON.stringify(state);
  const meta: Meta = { ...state, sha256: stateHash(tensors, stateJson, configMetadata) };
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new CheckpointError(`${what} is corrupt (its "${KEY}" metadata is not JSON)`);
  }
  const version = (parsed as { version?: unknown } | null)?.version;
  if (version !== VERSION) {
    throw new CheckpointError(`${what} has format version ${JSON.stringify(version)}, this qdf reads ${VERSION}` +
      (version === 1 ? " (version 1 had no hash over its state: start the training again)" : ""));
  }
  const meta = checkSchema(parsed, what);
  const { sha256, ...state } = meta;
  const { [KEY]: _, ...metadata } = file.metadata;
  if (stateHash(file.tensors, JSON.stringify(state), metadata) !== sha256) {
    throw new CheckpointError(`${what} is corrupt or was edited (its SHA-256 does not match its tensors, state and config)`);
  }
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
  return {
    metadata, weights, hyper: meta.hyper, dataFingerprint: meta.dataFingerprint,
    state: { epoch: meta.epoch, rng: meta.rng, adam, seconds: meta.seconds, log: meta.log },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** The state's JSON checked field by field, so a damaged one is a message naming the field, never a TypeError. */
function checkSchema(v: unknown, what: string): Meta {
  const bad = (field: string, want: string): never => {
    throw new CheckpointError(`${what} is corrupt (its state's "${field}" ${want})`);
  };
  if (!isObject(v)) bad(KEY, "is not a JSON object");
  const m = v as Record<string, unknown>;
  for (const k of ["epoch", "rng", "adamSteps", "seconds", "log", "hyper", "dataFingerprint", "sha256"]) {
    if (!Object.hasOwn(m, k)) bad(k, "is missing");
  }
  if (!isCount(m.epoch)) bad("epoch", "is not a count of epochs");
  if (!Array.isArray(m.rng) || !m.rng.every((x) => Number.isSafeInteger(x))) bad("rng", "is not an array of integers");
  if (!isObject(m.adamSteps) || !Object.values(m.adamSteps).every(isCount)) bad("adamSteps", "is not an object of step counts");
  if (typeof m.seconds !== "number" || !(m.seconds >= 0) || !Number.isFinite(m.seconds)) bad("seconds", "is not a finite number >= 0");
  if (!Array.isArray(m.log) || !m.log.every(isObject)) bad("log", "is not an array of epoch rows");
  if (!isObject(m.hyper)) bad("hyper", "is not an object");
  const h = m.hyper as Record<string, unknown>;
  for (const k of ["batchSize", "lr", "lrDecay", "decayEvery", "epochs", "seed"]) {
    if (typeof h[k] !== "number" || !Number.isFinite(h[k])) bad(`hyper.${k}`, "is not a finite number");
  }
  if (typeof h.shuffle !== "boolean") bad("hyper.shuffle", "is not true or false");
  if (typeof m.dataFingerprint !== "string") bad("dataFingerprint", "is not a string");
  if (typeof m.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(m.sha256)) bad("sha256", "is not 64 hex digits");
  return m as unknown as Meta;
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
