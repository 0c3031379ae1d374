// The QDF model: parameters as tfjs variables and the forward pass (basis -> LCAO -> functional -> E; rho -> HK map -> V).
import * as tf from "#tfjs-core";
import { parameterShapes, type QdfConfig, type QdfModelData, type Weights } from "./config.js";
import { FieldContext, type FieldFeatures, type MoleculeFeatures } from "./features.js";
import { DEFAULT_CHUNK_BYTES, estimateMemory, type BudgetModel, type MemoryBudget } from "./memoryBudget.js";
import { dense, functional, functionalReadout, type DenseLayer } from "./functional.js";
import { densityFromBasis, firstLayerFromBasis } from "./lcaoFactored.js";
import { densityColumn, hkMap } from "./hkMap.js";
import { FrozenModel } from "./frozenModel.js";
import { denseEngine } from "./denseEngine.js";
import { basisMatrix, basisMatrixConst } from "./basis.js";
import { coefficientBlocks, molecularOrbitals } from "./lcao.js";

/** Sets a variable to plain values (its shape's size): the variable takes the new tensor's data, no copy. */
export function assignValues(v: tf.Variable, data: Float32Array): void {
  const t = tf.tensor(data, v.shape);
  v.assign(t);
  t.dispose();
}

/** tfjs variable names are global per thread: each model instance gets its own prefix. */
let instances = 0;

export class QdfModel {
  readonly config: QdfConfig;
  readonly ctx: FieldContext;
  /** Every parameter, by its state_dict name, as a trainable variable. */
  readonly params = new Map<string, tf.Variable>();

  constructor(data: QdfModelData) {
    this.config = data.config;
    this.ctx = new FieldContext(data.config);
    const prefix = `qdf${instances++}`;
    for (const [name, shape] of parameterShapes(data.config)) {
      const t = data.weights.get(name);
      if (!t) throw new Error(`model has no tensor ${name}`);
      if (t.shape.join(",") !== shape.join(",")) {
        throw new Error(`tensor ${name} has shape [${t.shape}], the config needs [${shape}]`);
      }
      this.params.set(name, tf.variable(tf.tensor(t.data, shape), true, `${prefix}/${name}`));
    }
  }

  /** The weights as plain arrays (a copy), in state_dict order. */
  weights(): Weights {
    const out: Weights = new Map();
    for (const [name, v] of this.params) out.set(name, { shape: [...v.shape], data: v.dataSync() as Float32Array });
    return out;
  }

  /** Sets parameters from plain arrays (by state_dict name; shapes as the config's), e.g. a training worker's. */
  setWeights(weights: Map<string, Float32Array>): void {
    for (const [name, data] of weights) assignValues(this.p(name), data);
    this.invalidate();
  }

  toData(): QdfModelData {
    return { config: this.config, weights: this.weights() };
  }

  dispose(): void {
    this.invalidate();
    for (const v of this.params.values()) v.dispose();
  }

  p(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`no parameter ${name}`);
    return v;
  }

  /** The dense layer `prefix` (W_functional.0, W_HK.2, W_property, ...): the variables themselves. */
  layer(prefix: string): DenseLayer {
    return { weight: this.p(`${prefix}.weight`) as tf.Tensor2D, bias: this.p(`${prefix}.bias`) as tf.Tensor1D };
  }

  functionalLayers(): DenseLayer[] {
    return Array.from({ length: this.config.layerFunctional }, (_, l) => this.layer(`W_functional.${l}`));
  }

  hkLayers(): DenseLayer[] {
    return Array.from({ length: this.config.layerHK }, (_, l) => this.layer(`W_HK.${l}`));
  }

  /**
   * Molecular orbitals Psi [nField_i, D] per molecule. With `differentiable`, gradients reach zeta (through the
   * basis kernel's custom gradient) and the coefficients; otherwise the basis uses zeta's current values.
   */
  lcao(batch: MoleculeFeatures[], differentiable: boolean): tf.Tensor2D[] {
    return this.orbitalFactors(batch, differentiable)
      .map(({ basis, coefficients }, i) => molecularOrbitals(basis, coefficients, batch[i]!.nElectrons));
  }

  /** Per molecule, the basis B [nField, nOrb] and normalised coefficients C [nOrb, D] that Psi is made of. */
  private orbitalFactors(batch: MoleculeFeatures[], differentiable: boolean) {
    const coefficients = coefficientBlocks(this.p("coefficient.weight") as tf.Tensor2D, batch);
    const zetaWeight = this.p("zeta.weight");
    const zetaTable = differentiable ? null : (zetaWeight.dataSync() as Float32Array);
    return batch.map((f, i) => ({
      basis: zetaTable
        ? basisMatrixConst(f, zetaTable)
        : basisMatrix(f, zetaWeight as tf.Tensor2D),
      coefficients: coefficients[i]!,
    }));
  }

  /**
   * Predicted properties E [nMol, K] straight from the basis and coefficients, differentiable (training's E step):
   * the functional's first layer is factored through B (firstLayerFromBasis), the same E as energy(lcao(...)).
   */
  energyFromBasis(batch: MoleculeFeatures[]): tf.Tensor2D {
    const [first, ...rest] = this.functionalLayers();
    if (!first) return this.energy(this.lcao(batch, true));
    const rows = this.orbitalFactors(batch, true).map(({ basis, coefficients }, i) =>
      functionalReadout(firstLayerFromBasis(basis, coefficients, batch[i]!.nElectrons, first), rest, this.config.operation));
    return dense(rows.length === 1 ? rows[0]! : tf.concat(rows, 0), this.layer("W_property"));
  }

  /** Each molecule's density rho [nField_i, 1] straight from the basis and coefficients, differentiable (V step). */
  densities(batch: MoleculeFeatures[]): tf.Tensor2D[] {
    return this.orbitalFactors(batch, true)
      .map(({ basis, coefficients }, i) => densityFromBasis(basis, coefficients, batch[i]!.nElectrons));
  }

  /** Normalised basis matrix [nField, nOrb] with the current exponents (no gradient; for analysis and tests). */
  basisMatrix(f: MoleculeFeatures): tf.Tensor2D {
    return basisMatrixConst(f, this.p("zeta.weight").dataSync() as Float32Array);
  }

  /** Reduced functional output [nMol, D] (the vector W_property reads). */
  functional(psis: tf.Tensor2D[]): tf.Tensor2D {
    return functional(psis, this.functionalLayers(), this.config.operation);
  }

  /** Predicted properties E [nMol, K]. */
  energy(psis: tf.Tensor2D[]): tf.Tensor2D {
    return dense(this.functional(psis), this.layer("W_property"));
  }

  /** HK map's potential V_pred [N, 1] from Psi [N, D]. */
  potential(psi: tf.Tensor2D): tf.Tensor2D {
    return this.potentialFromDensity(densityColumn(psi));
  }

  /** HK map's potential V_pred [N, 1] from the density rho [N, 1]. */
  potentialFromDensity(rho: tf.Tensor2D): tf.Tensor2D {
    return hkMap(rho, this.layer("W_density"), this.hkLayers(), this.layer("W_potential"));
  }

  private inference: FrozenModel | null = null;

  /** Call after changing parameters (a training step), so prediction sees the new weights. */
  invalidate(): void {
    this.inference?.dispose();
    this.inference = null;
  }

  /** The frozen forward pass with the current weights (built once, rebuilt after invalidate()). */
  frozen(): FrozenModel {
    // Rebuilt when another dense engine was chosen since (setDenseEngine).
    if (this.inference && this.inference.engine !== denseEngine()) this.invalidate();
    this.inference ??= new FrozenModel(this.config, this.weights());
    return this.inference;
  }

  /**
   * Predicts the properties of a batch of molecules: f32 [nMol * K], row-major (the fast path, no gradients). A
   * molecule whose field does not fit the budget's chunk is taken in chunks of field points (same result).
   */
  predict(batch: FieldFeatures[], budget: MemoryBudget = {}): Float32Array {
    this.frozen();
    const K = this.config.outputs;
    const out = new Float32Array(batch.length * K);
    batch.forEach((f, i) => {
      const e = estimateMemory({ nAtoms: f.nAtoms, nField: f.nField, nOrb: f.q.length }, this.budgetModel(),
        budget.chunkBytes ?? DEFAULT_CHUNK_BYTES, budget.maxBytes);
      out.set(this.inference!.predictOne(f, e.chunkRows), i * K);
    });
    return out;
  }

  /** What prediction's memory estimate (model/memoryBudget.ts) needs of this model. */
  budgetModel(): BudgetModel {
    const c = this.config;
    return { basis: this.ctx.basis, templatePoints: this.ctx.template.length / 3, dim: c.dim, layerFunctional: c.layerFunctional };
  }
}
