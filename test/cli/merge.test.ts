// qdf merge and --shard's selection: shards partition the input, merge restores input order and refuses gaps and doubles.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseShard, ShardSelection } from "../../src/cli/shard.js";
import { indexedHeader, indexedRow, splitIndexedRow } from "../../src/io/indexedTable.js";
import { qdf } from "./run.js";

const tmp = mkdtempSync(join(tmpdir(), "qdf-merge-"));
const HEADER = "file\tline\tid\tpredicted_eV\terror\twarnings\n";
const row = (i: number) => `in.txt\t${1 + 6 * i}\tm${i % 3}\t${(-i).toFixed(6)}\t\t\n`; // ids repeat, as real data's do

/** A shard file as qdf predict --shard writes it, with the given input positions. */
function shardFile(name: string, positions: number[]): string {
  const path = join(tmp, name);
  writeFileSync(path, indexedHeader(HEADER, "tsv") + positions.map((p) => indexedRow(p, row(p), "tsv")).join(""));
  return path;
}

test("--shard K/N: the shards of any N partition the positions, each in input order; a resumed shard skips its first rows", async () => {
  const total = 13;
  const positions = async (sel: ShardSelection) => {
    const out: number[] = [];
    async function* all() { for (let p = 0; p < total; p++) yield p; }
    for await (const p of sel.select(all())) out.push(p);
    return out;
  };
  for (const n of [1, 2, 3, 7, 20]) {
    const seen: number[] = [];
    for (let k = 0; k < n; k++) {
      const sel = new ShardSelection({ k, n }, 0);
      const mine = await positions(sel);
      mine.forEach((p, j) => assert.is(sel.position(j), p));
      seen.push(...mine);
    }
    assert.equal(seen.sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i), `N = ${n}`);
  }
  assert.equal(await positions(new ShardSelection({ k: 1, n: 3 }, 2)), [7, 10]);
  assert.equal(parseShard("3/8"), { k: 3, n: 8 });
  for (const bad of ["8/8", "1", "-1/4", "a/b", "0/0"]) assert.throws(() => parseShard(bad), /--shard/);
});

test("indexed rows: TSV, CSV and JSONL round-trip", () => {
  assert.equal(splitIndexedRow(indexedRow(12, "a\tb\t\t", "tsv"), "tsv"), { index: 12, row: "a\tb\t\t" });
  assert.equal(splitIndexedRow("12,a,\"b,c\"", "csv"), { index: 12, row: "a,\"b,c\"" });
  const json = indexedRow(5, '{"id":"m","v":1}\n', "jsonl");
  assert.is(json, '{"index":5,"id":"m","v":1}\n');
  assert.equal(splitIndexedRow(json.trimEnd(), "jsonl"), { index: 5, row: '{"id":"m","v":1}' });
});

test("merge: input order, without the index column, from shards given in any order", () => {
  const files = [shardFile("s2.tsv", [2, 5, 8]), shardFile("s0.tsv", [0, 3, 6, 9]), shardFile("s1.tsv", [1, 4, 7])];
  const out = join(tmp, "merged.tsv");
  const r = qdf(["merge", out, ...files]);
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(out, "utf8"), HEADER + Array.from({ length: 10 }, (_, i) => row(i)).join(""));
  assert.match(r.stderr, /merged 10 molecules from 3 files/);
});

test("merge refuses a missing position, a doubled one, a torn file and mixed columns, and writes nothing", () => {
  const out = join(tmp, "never.tsv");
  const missing = qdf(["merge", out, shardFile("a0.tsv", [0, 2, 4]), shardFile("a1.tsv", [1, 5])]);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /input position 3 is missing/);
  const doubled = qdf(["merge", out, shardFile("b0.tsv", [0, 2]), shardFile("b1.tsv", [1, 2])]);
  assert.is(doubled.code, 1);
  assert.match(doubled.stderr, /input position 2 is doubled: .*b0\.tsv:3 and .*b1\.tsv:3/);
  const torn = join(tmp, "torn.tsv");
  writeFileSync(torn, readFileSync(shardFile("c0.tsv", [0, 1]), "utf8").slice(0, -3));
  assert.match(qdf(["merge", out, torn]).stderr, /torn\.tsv:3: the last line is cut off/);
  const other = join(tmp, "other.tsv");
  writeFileSync(other, indexedHeader("file\tid\n", "tsv") + "1\tin.txt\tm1\n");
  assert.match(qdf(["merge", out, shardFile("d0.tsv", [0]), other]).stderr, /other columns/);
  const plain = join(tmp, "plain.tsv");
  writeFileSync(plain, HEADER + row(0));
  assert.match(qdf(["merge", out, plain]).stderr, /no index column/);
  assert.not.ok(existsSync(out));
});

test.run();
