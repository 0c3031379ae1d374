// Molecule input: the shared QM9 datasets, the demo input, xyz fixtures, format detection and whitespace tolerance.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { detectFormat, iterateMolecules, parseMolecules } from "../../src/chem/parse.js";
import type { Molecule } from "../../src/chem/molecule.js";
import { repoRoot, sharedPath } from "../shared.js";

function parseShared(...parts: string[]) {
  const path = sharedPath("data", ...parts);
  return parseMolecules(readFileSync(path, "utf8"), { fileName: path });
}

function parseFixture(name: string) {
  const path = join(repoRoot, "test", "fixtures", name);
  return parseMolecules(readFileSync(path, "utf8"), { fileName: path });
}

/** Plain-object view of a molecule, for deepEqual across parses. */
/** The molecule's content as plain data (where it was read from is checked separately). */
function plain(m: Molecule) {
  const { file: _file, line: _line, ...content } = m;
  return { ...content, atomicNumbers: [...m.atomicNumbers], coords: [...m.coords] };
}

function checkConsistent(m: Molecule) {
  const n = m.symbols.length;
  assert.ok(n > 0, `${m.id} has atoms`);
  assert.is(m.atomicNumbers.length, n);
  assert.is(m.coords.length, 3 * n);
  assert.ok(m.coords.every(Number.isFinite));
}

const SPLITS: [string, number][] = [
  ["train.txt", 34],
  ["val.txt", 4],
  ["test.txt", 5],
];

test("QM9under7atoms atomization energies: 34/4/5 molecules, one property each", () => {
  for (const [file, count] of SPLITS) {
    const { molecules, errors } = parseShared("QM9under7atoms_atomizationenergy_eV", file);
    assert.equal(errors, [], file);
    assert.is(molecules.length, count, file);
    for (const m of molecules) {
      checkConsistent(m);
      assert.match(m.id, /^dsgdb9nsd_\d{6}$/);
      assert.is(m.properties?.length, 1, m.id);
      assert.ok(m.symbols.length <= 7);
    }
  }
});

test("values are exact float64 parses of the text", () => {
  const { molecules } = parseShared("QM9under7atoms_atomizationenergy_eV", "test.txt");
  const m = molecules[0]!;
  assert.is(m.id, "dsgdb9nsd_000004");
  assert.equal(m.symbols, ["C", "C", "H", "H"]);
  assert.equal([...m.atomicNumbers], [6, 6, 1, 1]);
  assert.equal([...m.coords.subarray(0, 6)], [0.5995394918, 0, 1, -0.5995394918, 0, 1]);
  assert.equal(m.properties, [-16.716969841800168]);
});

test("QM9under7atoms HOMO/LUMO: two-value property lines, same structures", () => {
  for (const [file, count] of SPLITS) {
    const hl = parseShared("QM9under7atoms_homolumo_eV", file);
    const ae = parseShared("QM9under7atoms_atomizationenergy_eV", file);
    assert.equal(hl.errors, [], file);
    assert.is(hl.molecules.length, count, file);
    hl.molecules.forEach((m, i) => {
      assert.is(m.properties?.length, 2, m.id);
      assert.is(m.id, ae.molecules[i]!.id);
      assert.equal([...m.coords], [...ae.molecules[i]!.coords]);
    });
  }
  const first = parseShared("QM9under7atoms_homolumo_eV", "train.txt").molecules[0]!;
  assert.is(first.id, "dsgdb9nsd_000001");
  assert.equal(first.properties, [-10.54985978, 3.18645494]);
});

test("demo input: 10 molecules without properties", () => {
  const { molecules, errors } = parseShared("demo", "input.txt");
  assert.equal(errors, []);
  assert.equal(
    molecules.map((m) => m.id),
    Array.from({ length: 10 }, (_, i) => `mol${i + 1}`),
  );
  for (const m of molecules) {
    checkConsistent(m);
    assert.is(m.properties, undefined, m.id);
  }
});

test("QM9under14atoms val: 1479 molecules", () => {
  const { molecules, errors } = parseShared("QM9under14atoms_atomizationenergy_eV", "val.txt");
  assert.equal(errors, []);
  assert.is(molecules.length, 1479);
  for (const m of molecules) {
    checkConsistent(m);
    assert.is(m.properties?.length, 1, m.id);
    assert.ok(m.symbols.length <= 14, m.id);
  }
});

const CLEAN = "a\nC 0. 0. 0.\nH 1.09 0. 0.\n-1.5\n\nb\nO 0. 0. 0.\nH 0.96 0. 0.\n-2.5\n";

test("QDF tolerates CRLF, several blank lines, trailing whitespace, no final newline, any symbol case", () => {
  const expected = parseMolecules(CLEAN).molecules.map(plain);
  assert.is(expected.length, 2);
  const messy =
    "\r\n\r\n  a  \r\nc 0. 0. 0.   \r\nH\t1.09  0.\t0.\r\n-1.5 \t\r\n\r\n \r\n\t\r\nb\r\nO 0. 0. 0.\r\nh 0.96 0. 0.\r\n-2.5";
  const { molecules, errors } = parseMolecules(messy);
  assert.equal(errors, []);
  assert.equal(molecules.map(plain), expected);
  assert.equal(molecules[0]!.symbols, ["C", "H"]);
  assert.equal(molecules.map((m) => [m.file, m.line]), [["<input>", 3], ["<input>", 10]], "where each molecule starts");
  // A byte-order mark must not end up in the first id.
  assert.is(parseMolecules("\uFEFF" + CLEAN).molecules[0]!.id, "a");
});

test("iterateMolecules is lazy and keeps input order", () => {
  const it = iterateMolecules(CLEAN + "\nbad\nXx 0 0 0\n-1\n\nc\nN 0 0 0\n-3\n");
  const first = it.next();
  assert.ok(!first.done && "molecule" in first.value && first.value.molecule.id === "a");
  const rest = [...it].map((item) => ("molecule" in item ? item.molecule.id : `error:${item.error.moleculeId}`));
  assert.equal(rest, ["b", "error:bad", "c"]);
});

test("xyz: single molecule", () => {
  const { molecules, errors } = parseFixture("water.xyz");
  assert.equal(errors, []);
  assert.is(molecules.length, 1);
  const m = molecules[0]!;
  assert.is(m.id, "water, from QM9 dsgdb9nsd_000003");
  assert.equal(m.symbols, ["O", "H", "H"]);
  assert.is(m.coords[0], -0.0343604951);
  assert.is(m.coords[8], 0.0006931336);
  assert.is(m.properties, undefined);
});

test("xyz: multi-molecule, empty comment gets <file>#<n>, atomic numbers and any case accepted", () => {
  const { molecules, errors } = parseFixture("multi.xyz");
  assert.equal(errors, []);
  assert.equal(
    molecules.map((m) => m.id),
    ["methane", "multi.xyz#2", "water"],
  );
  assert.equal(molecules[1]!.symbols, ["N", "H", "H", "H"]);
  assert.equal([...molecules[1]!.atomicNumbers], [7, 1, 1, 1]);
  assert.equal(
    molecules.map((m) => m.symbols.length),
    [5, 4, 3],
  );
  // The same structures as in QDF text.
  const demo = parseShared("demo", "input.txt").molecules;
  assert.equal([...molecules[0]!.coords], [...demo[0]!.coords]);
  assert.equal([...molecules[1]!.coords], [...demo[1]!.coords]);
});

test("xyz: CRLF and no final newline", () => {
  const { molecules, errors } = parseMolecules("2\r\nH2\r\nH 0 0 0\r\nH 0.74 0 0", { format: "xyz" });
  assert.equal(errors, []);
  assert.equal(molecules.map(plain), [
    { id: "H2", symbols: ["H", "H"], atomicNumbers: [1, 1], coords: [0, 0, 0, 0.74, 0, 0] },
  ]);
});

test("format detection: extension first, then the first non-blank line", () => {
  const xyz = "1\nH atom\nH 0 0 0\n";
  assert.is(detectFormat(xyz), "xyz");
  assert.is(detectFormat("\n\n  3 \r\nx\n"), "xyz");
  assert.is(detectFormat(CLEAN), "qdf");
  assert.is(detectFormat(CLEAN, "mols.XYZ"), "xyz");
  assert.is(detectFormat(xyz, "mols.txt"), "xyz");
  assert.is(detectFormat(""), "qdf");
  assert.is(parseMolecules(xyz).molecules[0]!.id, "H atom");
  assert.is(parseMolecules(xyz, { format: "qdf" }).errors.length, 1, "forced format wins");
  assert.equal(parseMolecules(""), { molecules: [], errors: [] });
  assert.equal(parseMolecules("\n\n", { format: "xyz" }), { molecules: [], errors: [] });
});

test.run();
