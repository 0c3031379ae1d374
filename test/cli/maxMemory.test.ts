// qdf predict --max-memory: a molecule over the limit gets its error row (id, estimate, limit) and exit code 1, the
// others their values, in-process and in workers; a bad size is a usage error.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatXyz } from "../../src/chem/xyzWrite.js";
import { alkaneChain } from "../../bench/largeMolecules.js";
import { qdf, table } from "./run.js";

test("--max-memory 8M: the 299-atom alkane fails naming its estimate and the limit, methane and ethane are predicted", () => {
  const dir = mkdtempSync(join(tmpdir(), "qdf-maxmem-"));
  try {
    const input = join(dir, "in.xyz");
    writeFileSync(input, [alkaneChain(5), alkaneChain(300), alkaneChain(8)].map(formatXyz).join(""));
    const free = table(qdf(["predict", "--workers", "0", input]).stdout);
    assert.ok(free.every((row) => row.error === "" && row.predicted_eV !== ""), "the default limit takes all three");
    for (const workers of ["0", "2"]) {
      const r = qdf(["predict", "--workers", workers, "--max-memory", "8M", input]);
      assert.is(r.code, 1, r.stderr);
      const rows = table(r.stdout);
      assert.equal(rows.map((row) => row.id), ["C1H4", "C99H200", "C2H6"]);
      assert.is(rows[0]!.predicted_eV, free[0]!.predicted_eV);
      assert.is(rows[2]!.predicted_eV, free[2]!.predicted_eV);
      assert.is(rows[1]!.predicted_eV, "");
      assert.match(rows[1]!.error!, /molecule C99H200: needs about [\d.]+ MiB to predict \(16744 field points x 2186 orbitals, in \d+ chunks\), over the limit of 8\.00 MiB/);
      assert.match(r.stderr, /error: .*C99H200: needs about/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("qdf density --max-memory 64M: the 299-atom alkane fails naming its estimate, methane's cube is written", () => {
  const dir = mkdtempSync(join(tmpdir(), "qdf-maxmem-"));
  try {
    const input = join(dir, "in.xyz"), out = join(dir, "cubes");
    writeFileSync(input, [alkaneChain(5), alkaneChain(300)].map(formatXyz).join(""));
    const r = qdf(["density", input, "--out", out, "--spacing", "0.5", "--max-memory", "64M"]);
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: molecule C99H200: needs about [\d.]+ [MG]iB for its density \(16744 field points x 2186 orbitals\), over the limit of 64\.0 MiB/);
    assert.ok(existsSync(join(out, "C1H4.rho.cube")), r.stderr);
    assert.not.ok(existsSync(join(out, "C99H200.rho.cube")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--max-memory with a bad size is a usage error naming the option (exit 2)", () => {
  for (const bad of ["2X", "-1G", "0"]) {
    for (const command of [["predict"], ["density", "--out", "/nonexistent/never"]]) {
      const r = qdf([...command, `--max-memory=${bad}`, "examples/molecules.txt"]);
      assert.is(r.code, 2, `${command[0]} ${bad}: ${r.stderr}`);
      assert.match(r.stderr, "--max-memory needs a size");
    }
  }
});

test.run();
