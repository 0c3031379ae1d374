// SMILES to 3D: openchemlib builds the molecule (attachment points capped, or an oligomer), adds hydrogens, embeds, minimises.
import type { Molecule as OclMolecule } from "openchemlib";
import type { Molecule } from "./molecule.js";
import { elementSymbol } from "./elements.js";
import { MoleculeParseError, type ParseItem } from "./parseError.js";
import { loadOpenChemLib, type OpenChemLib } from "./openchemlib.js";
import { seededConformerGenerator } from "./openchemlibConformer.js";
import { withPortableMath } from "./openchemlibMath.js";
import { ATTACHMENT_Z, markAttachmentPoints, type SmilesRecord } from "./smiles.js";

export interface EmbedOptions {
  /** Conformer generator seed (default 1): the same SMILES and seed always give the same coordinates. */
  seed?: number;
  /**
   * Repeat units joined into a chain (default 1). A unit with `*` attachment points: with 1 every `*` becomes a
   * hydrogen; with N > 1 the unit must have exactly two `*`, unit k's second `*` bonds to unit k+1's first (the atoms
   * they are attached to are joined), and the chain's two ends get hydrogens. A SMILES without `*` is embedded as it is.
   */
  oligomer?: number;
  /** MMFF94s minimisation after embedding (default true). */
  minimise?: boolean;
}

/** Embeds SMILES synchronously once openchemlib is loaded (Embedder.load, once per thread). */
export class Embedder {
  private readonly seed: number;
  private readonly oligomer: number;
  private readonly minimise: boolean;

  private constructor(private readonly ocl: OpenChemLib, options: EmbedOptions) {
    this.seed = options.seed ?? 1;
    this.oligomer = options.oligomer ?? 1;
    this.minimise = options.minimise ?? true;
    if (!Number.isInteger(this.oligomer) || this.oligomer < 1) throw new Error(`oligomer must be an integer >= 1, got ${this.oligomer}`);
  }

  static async load(options: EmbedOptions = {}): Promise<Embedder> {
    return new Embedder(await loadOpenChemLib(), options);
  }

  /** The 3D molecule of a SMILES; throws an Error saying why it cannot be parsed or embedded. */
  embedSmiles(smiles: string, id: string): Molecule {
    const { Molecule: Mol, ForceFieldMMFF94 } = this.ocl;
    const marked = markAttachmentPoints(smiles);
    let unit: OclMolecule;
    try {
      unit = Mol.fromSmiles(marked.smiles, { noCoordinates: true });
    } catch (e) {
      throw new Error(`SMILES "${smiles}" cannot be parsed: ${oclMessage(e)}`);
    }
    if (unit.getAllAtoms() === 0) throw new Error(`SMILES "${smiles}" has no atoms`);
    const mol = this.oligomer > 1 && marked.points > 0 ? this.chain(unit, marked.points, smiles) : unit;
    for (let a = 0; a < mol.getAllAtoms(); a++) if (mol.getAtomicNo(a) === ATTACHMENT_Z) mol.setAtomicNo(a, 1);
    const charge = netCharge(mol);
    if (charge !== 0) throw new Error(`SMILES "${smiles}" has net charge ${charge}: QDF models neutral molecules`);

    // A generator without the thread's fragment cache, and an engine-independent Math.pow: the coordinates depend
    // only on SMILES and seed, not on what this thread embedded before nor on the JavaScript engine.
    const conformer = withPortableMath(() => seededConformerGenerator(this.ocl, this.seed).getOneConformerAsMolecule(mol));
    if (!conformer) throw new Error(`SMILES "${smiles}": openchemlib found no 3D conformer`);
    if (this.minimise) {
      try {
        withPortableMath(() => new ForceFieldMMFF94(conformer, "MMFF94s").minimise());
      } catch (e) {
        throw new Error(`SMILES "${smiles}": MMFF94s minimisation failed: ${oclMessage(e)}`);
      }
    }
    return toMolecule(conformer, id);
  }

  /** A record as a parser item: the embedded molecule, or an error naming the record's file, line and id. */
  embed(record: SmilesRecord): ParseItem {
    try {
      const molecule = this.embedSmiles(record.smiles, record.id);
      if (record.properties) molecule.properties = record.properties;
      molecule.file = record.file;
      molecule.line = record.line;
      return { molecule };
    } catch (e) {
      return { error: new MoleculeParseError(record.file, record.line, record.id, (e as Error).message) };
    }
  }

  /** N copies of the unit joined head to tail (see EmbedOptions.oligomer); the joined `*` atoms are removed. */
  private chain(unit: OclMolecule, points: number, smiles: string): OclMolecule {
    if (points !== 2) throw new Error(`SMILES "${smiles}" has ${points} attachment points; an oligomer needs exactly 2`);
    const { Molecule: Mol } = this.ocl;
    unit.ensureHelperArrays(Mol.cHelperNeighbours);
    const stars: number[] = [];
    for (let a = 0; a < unit.getAllAtoms(); a++) if (unit.getAtomicNo(a) === ATTACHMENT_Z) stars.push(a);
    const [head, tail] = stars as [number, number];
    for (const s of stars) {
      if (unit.getAllConnAtoms(s) !== 1) throw new Error(`SMILES "${smiles}": an attachment point must have exactly one neighbour`);
    }
    const order = unit.getBondOrder(unit.getConnBond(tail, 0));
    const chain = unit.getCompactCopy();
    let tailStar = tail; // in chain numbering
    for (let k = 1; k < this.oligomer; k++) {
      const map = chain.addMolecule(unit);
      const headStar = map[head]!;
      chain.ensureHelperArrays(Mol.cHelperNeighbours);
      const left = chain.getConnAtom(tailStar, 0), right = chain.getConnAtom(headStar, 0);
      const bond = chain.addBond(left, right);
      chain.setBondOrder(bond, order);
      chain.markAtomForDeletion(tailStar);
      chain.markAtomForDeletion(headStar);
      tailStar = map[tail]!;
    }
    chain.deleteMarkedAtomsAndBonds();
    return chain;
  }
}

function netCharge(mol: OclMolecule): number {
  let q = 0;
  for (let a = 0; a < mol.getAllAtoms(); a++) q += mol.getAtomCharge(a);
  return q;
}

/** openchemlib's exceptions are GWT objects whose message carries a class prefix ("Class$S19: SmilesParser: ..."). */
function oclMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/^Class\$\w+:\s*/, "");
}

function toMolecule(mol: OclMolecule, id: string): Molecule {
  const n = mol.getAllAtoms();
  const atomicNumbers = new Int32Array(n);
  const coords = new Float64Array(3 * n);
  const symbols: string[] = [];
  for (let a = 0; a < n; a++) {
    const z = mol.getAtomicNo(a);
    atomicNumbers[a] = z;
    symbols.push(elementSymbol(z));
    coords[3 * a] = mol.getAtomX(a);
    coords[3 * a + 1] = mol.getAtomY(a);
    coords[3 * a + 2] = mol.getAtomZ(a);
  }
  for (const c of coords) if (!Number.isFinite(c)) throw new Error(`molecule ${id}: embedding gave non-finite coordinates`);
  return { id, symbols, atomicNumbers, coords };
}
