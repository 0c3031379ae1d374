// Fuzz-style tests: truncated and randomly mutated checkpoints must import or throw a TorchCheckpointError, quickly, never hang.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { TorchCheckpointError, importTorchCheckpoint, readOrbitalTable } from "../../../src/io/torch/importCheckpoint.js";
import { sharedPath } from "../../shared.js";
import { mulberry32 } from "../../random.js";

const ref = (name: string) => new Uint8Array(readFileSync(sharedPath("reference", name)));
const orbitals = readOrbitalTable(ref("pretrained_under14_orbital_dict.json"));
const legacy = ref("pretrained_under14.pt");
const zip = ref("pretrained_under14_zipformat.pt");

const rng = mulberry32;

/** Runs f; any error must be a TorchCheckpointError with a message. Returns whether it threw. Bounded time per call. */
function importOrFail(f: () => unknown, label: string): boolean {
  const t0 = performance.now();
  let threw = false;
  try {
    f();
  } catch (e) {
    if (!(e instanceof TorchCheckpointError)) assert.unreachable(`${label}: threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.ok((e as Error).message.length > 10, `${label}: empty message`);
    threw = true;
  }
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `${label}: took ${ms.toFixed(0)} ms`);
  return threw;
}

/** Cut points: every length in [0, dense) plus `coarse` evenly spread over the rest and the last few bytes. */
function cuts(length: number, dense: number, coarse: number): number[] {
  const out = new Set<number>();
  for (let n = 0; n < Math.min(dense, length); n++) out.add(n);
  for (let i = 0; i < coarse; i++) out.add(Math.floor(dense + ((length - dense) * i) / coarse));
  for (let n = Math.max(0, length - 64); n < length; n++) out.add(n);
  return [...out].sort((a, b) => a - b);
}

test("every truncation of the legacy checkpoint throws a clear error", () => {
  // The pickles end at byte 3026; every prefix up to there, then a coarse sweep over the storages.
  for (const n of cuts(legacy.length, 3100, 300)) {
    const threw = importOrFail(() => importTorchCheckpoint(legacy.subarray(0, n), orbitals), `legacy prefix ${n}`);
    assert.ok(threw, `legacy prefix of ${n} bytes imported`);
  }
});

test("every truncation of the zip checkpoint throws a clear error", () => {
  // data.pkl sits in the first ~2100 bytes; the central directory is in the last ~2000.
  const points = new Set(cuts(zip.length, 2200, 300));
  for (let n = zip.length - 2100; n < zip.length; n += 3) points.add(n);
  for (const n of points) {
    const threw = importOrFail(() => importTorchCheckpoint(zip.subarray(0, n), orbitals), `zip prefix ${n}`);
    assert.ok(threw, `zip prefix of ${n} bytes imported`);
  }
});

/** Mutates 1-8 bytes, mostly in the structured regions (pickles, zip headers) where the parser decides things. */
function mutate(src: Uint8Array, hot: [number, number][], r: () => number): Uint8Array {
  const out = src.slice();
  const k = 1 + Math.floor(r() * 8);
  for (let i = 0; i < k; i++) {
    let p: number;
    if (r() < 0.8) {
      const [a, b] = hot[Math.floor(r() * hot.length)]!;
      p = a + Math.floor(r() * (b - a));
    } else {
      p = Math.floor(r() * out.length);
    }
    const kind = r();
    // Random byte, a flipped bit, or a boundary value (lengths and counts are where parsers go wrong).
    out[p] = kind < 0.4 ? Math.floor(r() * 256) : kind < 0.8 ? out[p]! ^ (1 << Math.floor(r() * 8)) : [0, 0x7f, 0x80, 0xff][Math.floor(r() * 4)]!;
  }
  return out;
}

for (const [name, src, hot, seed] of [
  ["legacy", legacy, [[0, 3100]], 1234],
  ["zip", zip, [[0, 2200], [zip.length - 2000, zip.length]], 5678],
] as const) {
  test(`300 seeded random mutations of the ${name} checkpoint: each imports or throws a TorchCheckpointError`, () => {
    const r = rng(seed);
    const t0 = performance.now();
    let threw = 0;
    for (let i = 0; i < 300; i++) {
      const bytes = mutate(src, hot as unknown as [number, number][], r);
      if (importOrFail(() => importTorchCheckpoint(bytes, orbitals), `${name} mutation ${i} (seed ${seed})`)) threw++;
    }
    // Both outcomes must occur, or the mutations miss the parser (or break everything).
    assert.ok(threw > 30 && threw < 300, `${threw} of 300 threw`);
    assert.ok(performance.now() - t0 < 60_000, "fuzz loop took too long");
  });
}

test("random bytes and mutated orbital tables never escape as other errors", () => {
  const r = rng(42);
  for (let i = 0; i < 300; i++) {
    const n = Math.floor(r() * 200);
    const bytes = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
    // Half of them look like a pickle or a zip, to get past the first byte.
    if (i % 4 === 1 && n > 2) bytes.set([0x80, 0x02]);
    if (i % 4 === 2 && n > 4) bytes.set([0x50, 0x4b, 0x03, 0x04]);
    importOrFail(() => importTorchCheckpoint(bytes, orbitals), `random ${i}`);
    importOrFail(() => readOrbitalTable(bytes), `random table ${i}`);
  }
  const table = ref("pretrained_under14_orbital_dict.pickle");
  for (let i = 0; i < 300; i++) {
    importOrFail(() => readOrbitalTable(mutate(table, [[0, table.length]], r)), `table mutation ${i}`);
  }
});

test.run();
