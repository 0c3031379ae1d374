// `qdf density` end to end on a QM9 molecule: cube files, JSON summary, potentials and the PNG slice (kept in artifacts/).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { unzlibSync } from "fflate";
import { qdf } from "../cli/run.js";
import { parseMolecules } from "../../src/chem/parse.js";
import type { Molecule } from "../../src/chem/molecule.js";
import { pretrainedModel } from "../model/reference.js";
import { readCube, BOHR_PER_ANGSTROM } from "../../src/io/cube.js";
import { crc32 } from "../../src/io/crc32.js";
import { lcaoFunction } from "../../src/density/lcaoFunction.js";
import { planeThroughHeaviest, sampleSlice } from "../../src/density/slice.js";
import { writeFileAtomic } from "../../src/node/atomicWrite.js";
import { repoRoot, sharedPath } from "../shared.js";

const modelPath = sharedPath("reference", "pretrained_under14.safetensors");
const out = join(repoRoot, "artifacts", "density");
const { molecules } = parseMolecules(readFileSync(sharedPath("data", "QM9under14atoms_atomizationenergy_eV", "val.txt"), "utf8"));
// A 13+ atom molecule with at least two kinds of heavy atom (a more telling picture than a hydrocarbon).
const mol = molecules.find((m) => m.atomicNumbers.length >= 13 && new Set([...m.atomicNumbers].filter((z) => z > 1)).size >= 2)!;

function qdfText(m: Molecule): string {
  const lines = [m.id, ...m.symbols.map((s, i) => `${s} ${m.coords[3 * i]} ${m.coords[3 * i + 1]} ${m.coords[3 * i + 2]}`)];
  return lines.join("\n") + "\n";
}

/** The CLI's exit code (its stderr shown when it failed unexpectedly); each run is its own process and tfjs engine. */
function qdfCode(args: string[]): number {
  const r = qdf(args);
  if (r.code !== 0 && r.code !== 2) process.stderr.write(r.stderr);
  return r.code;
}

test(`qdf density on ${mol.id}: cubes, summary and PNG`, async () => {
  rmSync(out, { recursive: true, force: true });
  const input = join(out, "input.txt");
  writeFileAtomic(input, qdfText(mol));
  const code = qdfCode(["density", "--model", modelPath, input, "--out", out, "--orbitals", "0,3", "--potential", "--png"]);
  assert.is(code, 0);
  const base = join(out, mol.id);
  for (const s of [".rho.cube", ".psi0.cube", ".psi3.cube", ".V.cube", ".Vpred.cube", ".json", ".rho.png"]) {
    assert.ok(existsSync(base + s), `${base + s} written`);
  }
  const summary = JSON.parse(readFileSync(base + ".json", "utf8"));
  const nElectrons = [...mol.atomicNumbers].reduce((a, b) => a + b, 0);
  assert.is(summary.nElectrons, nElectrons);
  assert.ok(Math.abs(summary.rhoSumOnFieldPoints - nElectrons) < 1e-6, "sum of rho on the field points = N_elec");
  const cube = readCube(readFileSync(base + ".rho.cube", "utf8"));
  assert.equal(cube.shape, summary.grid.shape);
  assert.is(cube.atoms.length, mol.atomicNumbers.length);
  let sum = 0, max = 0;
  for (const v of cube.values) { sum += v; max = Math.max(max, v); }
  assert.ok(Math.abs(sum * summary.grid.voxelVolumeAngstrom3 - summary.rhoSumOnGridTimesVoxelVolumeAngstrom3) < 1e-4 * sum * summary.grid.voxelVolumeAngstrom3);
  assert.ok(Math.abs(max - summary.maxRho) < 1e-5 * max);
  assert.ok(Math.abs(cube.axes[0][0] - 0.2 * BOHR_PER_ANGSTROM) < 1e-6);
  // The potential cubes: V is the Gaussian potential (negative, deepest near the heaviest atoms), V_pred is finite.
  const v = readCube(readFileSync(base + ".V.cube", "utf8")).values;
  const vp = readCube(readFileSync(base + ".Vpred.cube", "utf8")).values;
  assert.ok(v.every((x) => x <= 0) && vp.every(Number.isFinite));
  // PNG: signature, IHDR, every chunk's CRC, and IDAT inflating to height rows of 1 + 3 width bytes.
  const png = new Uint8Array(readFileSync(base + ".rho.png"));
  assert.equal([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(png.buffer, png.byteOffset);
  let at = 8, width = 0, height = 0;
  const idat: Uint8Array[] = [];
  while (at < png.length) {
    const len = view.getUint32(at), type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    assert.is(crc32([png.subarray(at + 4, at + 8 + len)]), view.getUint32(at + 8 + len), `${type} CRC`);
    if (type === "IHDR") { width = view.getUint32(at + 8); height = view.getUint32(at + 12); }
    if (type === "IDAT") idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  assert.ok(width > 100 && height > 100);
  assert.is(unzlibSync(idat[0]!).length, height * (1 + 3 * width));
  console.log(`  ${mol.id} (${mol.symbols.join("")}): grid ${summary.grid.shape.join("x")}, ${summary.seconds} s; PNG ${width}x${height} in ${out}`);
});

test("the slice's highest density lies at a heavy atom (within 0.5 angstrom)", async () => {
  const model = await pretrainedModel();
  const slice = sampleSlice(lcaoFunction(model, mol), planeThroughHeaviest(mol));
  let best = 0;
  slice.values.forEach((v, i) => { if (v > slice.values[best]!) best = i; });
  const x = best % slice.width, y = Math.floor(best / slice.width);
  const dist = Math.min(...slice.atoms.filter((a) => a.z > 1).map((a) => Math.hypot(a.px - x, a.py - y, a.offset / slice.pixel))) * slice.pixel;
  console.log(`  max of the slice is ${dist.toFixed(3)} angstrom from the nearest heavy atom`);
  assert.ok(dist < 0.5);
});

test("--units electrons: rho in electrons/bohr^3 integrating to N_elec over the box, said in the cube; default model", () => {
  const nh3 = molecules.find((m) => m.atomicNumbers.length === 4 && m.symbols.includes("N"))!;
  const dir = join(out, "units");
  const input = join(dir, "input.txt");
  writeFileAtomic(input, qdfText(nh3));
  // No --model: the shipped published model.
  assert.is(qdfCode(["density", input, "--out", join(dir, "model"), "--spacing", "0.25", "--orbitals", "0"]), 0);
  assert.is(qdfCode(["density", input, "--out", join(dir, "electrons"), "--spacing", "0.25", "--orbitals", "0", "--units", "electrons"]), 0);
  const read = (units: string, suffix: string) => readCube(readFileSync(join(dir, units, nh3.id + suffix), "utf8"));
  const model = read("model", ".rho.cube"), electrons = read("electrons", ".rho.cube");
  const summary = JSON.parse(readFileSync(join(dir, "electrons", nh3.id + ".json"), "utf8"));
  const voxelBohr3 = (0.25 * BOHR_PER_ANGSTROM) ** 3;
  let sum = 0;
  for (const v of electrons.values) sum += v;
  assert.ok(Math.abs(sum * voxelBohr3 - 10) < 1e-3, `box integral ${sum * voxelBohr3} electrons, NH3 has 10`);
  assert.ok(Math.abs(summary.electronsInBox - 10) < 1e-6);
  assert.match(electrons.comments[1], /^electrons\/bohr\^3: model rho x [0-9.]+, so that sum x voxel volume \([0-9.]+ bohr\^3\) = N_elec = 10$/);
  assert.match(model.comments[1], /^model units/);
  // The same field, scaled by one factor (the summary's), and psi by its square root.
  const f = summary.rhoScaleFromModelUnits;
  assert.ok(f > 1, `factor ${f}: in model units the box holds less than N_elec`);
  for (let i = 0; i < model.values.length; i += 97) {
    assert.ok(Math.abs(electrons.values[i]! - f * model.values[i]!) <= 1e-5 * Math.abs(electrons.values[i]!) + 1e-12, `rho[${i}]`);
  }
  const psiM = read("model", ".psi0.cube").values, psiE = read("electrons", ".psi0.cube").values;
  for (let i = 0; i < psiM.length; i += 97) assert.ok(Math.abs(psiE[i]! - Math.sqrt(f) * psiM[i]!) <= 1e-5 * Math.abs(psiE[i]!) + 1e-12, `psi0[${i}]`);
  assert.is(qdfCode(["density", input, "--out", dir, "--units", "bohr"]), 2);
});

test("usage errors and --help", () => {
  assert.is(qdfCode(["density", "--help"]), 0);
  assert.is(qdfCode(["density", "--model", modelPath, "x.txt"]), 2); // no --out
  assert.is(qdfCode(["density", "--model", modelPath, "x.txt", "--out", out, "--orbitals", "1,a"]), 2);
  assert.is(qdfCode(["density", "--model", modelPath, "x.txt", "--out", out, "--spacing", "0"]), 2);
  assert.is(qdfCode(["density", "--model", modelPath, join(out, "input.txt"), "--out", out, "--orbitals", "250"]), 2);
});

test.run();
