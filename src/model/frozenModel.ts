// The forward pass with frozen weights for prediction: basis -> LCAO -> functional -> readout -> E, each stage's
// frozen form (plain arrays between stages; the functional's layers and the LCAO's B C in the chosen dense engine,
// denseEngine.ts), composed once here.
import type { QdfConfig, Weights } from "./config.js";
import type { FieldFeatures } from "./features.js";
import { basisFrozen, basisNormsInChunks, basisRowsFrozen, orbitalZeta, typeBasisFrozen } from "./basis.js";
import {
  coefficientRows, molecularOrbitalsFrozen, normalizedCoefficients, orbitalFactors, orbitalScale, orbitalTypes,
} from "./lcao.js";
import { propertyHeadFrozen } from "./functional.js";
import { denseEngine, type DenseEngine, type DenseStack } from "./denseEngine.js";
import { readoutOfSums } from "./readout.js";
import { addColumnSquares, addColumnSums, columnSums, multiplyColumns } from "../kernels/columns.js";

/**
 * Frozen weights for prediction. Differences from the taped path (qdf.ts), all exact in real arithmetic: coefficients
 * are gathered and normalised in JS; Psi's column norms (float64), its scaling and the readout's column sums are done
 * by SIMD kernels on the matrices read back from tfjs. That is cheaper than tfjs-wasm's axis-0 reductions or a
 * ones-row matmul, which repack a fresh right-hand matrix on every call, whereas the layers' weights stay packed in
 * XNNPACK's cache. Molecules go one at a time: stacking them made the matmuls slower (cache). An engine with
 * fieldSums (native) takes a whole field's LCAO, layers and sums in one call instead (io/onnxFieldModel.ts).
 */
export class FrozenModel {
  private readonly coefficient: Float32Array;
  private readonly zeta: Float32Array;
  private readonly functional: DenseStack;
  private readonly propertyWeight: Float32Array;
  private readonly propertyBias: Float32Array;

  constructor(readonly config: QdfConfig, weights: Weights, readonly engine: DenseEngine = denseEngine()) {
    const get = (name: string) => {
      const t = weights.get(name);
      if (!t) throw new Error(`model has no tensor ${name}`);
      return t;
    };
    this.coefficient = get("coefficient.weight").data;
    this.zeta = get("zeta.weight").data;
    const layers = Array.from({ length: config.layerFunctional }, (_, l) =>
      ({ weight: get(`W_functional.${l}.weight`), bias: get(`W_functional.${l}.bias`) }));
    this.functional = engine.stack(layers);
    this.propertyWeight = get("W_property.weight").data;
    this.propertyBias = get("W_property.bias").data;
  }

  dispose(): void {
    this.functional.dispose();
  }

  /** Psi f32 [nField * D]: the basis and LCAO stages. */
  orbitals(f: FieldFeatures): Float32Array {
    const D = this.config.dim;
    const basis = basisFrozen(f, this.zeta).values;
    return molecularOrbitalsFrozen(basis, this.coefficients(f), f.nField, D, f.nElectrons, this.engine.product);
  }

  private coefficients(f: FieldFeatures): Float32Array {
    const D = this.config.dim;
    return normalizedCoefficients(this.coefficient, f.orbitalIndex, D, new Float32Array(f.orbitalIndex.length * D));
  }

  /**
   * The functional's reduced output f64 [D] (the vector the property head reads), the field taken `chunkRows`
   * points at a time (model/memoryBudget.ts chooses how many; default all at once).
   */
  reduced(f: FieldFeatures, chunkRows = f.nField): Float64Array {
    return readoutOfSums(this.hiddenSums(f, chunkRows), f.nField, this.config.operation);
  }

  /**
   * The column sums f64 of the functional's last hidden layer over all the field points, `chunkRows` at a time;
   * `visit` sees each chunk's normalised Psi rows (descriptors read the density from them).
   *
   * In chunks, in flat memory: the points are independent until the sums, so every sum is carried from chunk to
   * chunk in the order the whole field would sum (the basis norms in float32, Psi's column norms and the readout in
   * float64). Three passes, since Psi's columns are normalised over all the points before the functional (a ReLU)
   * reads them: the basis norms; Psi's norms; then Psi and the functional. B C is computed twice (Psi kept whole
   * would grow with the molecule); the result is the unchunked one.
   */
  hiddenSums(f: FieldFeatures, chunkRows = f.nField, visit?: (psi: Float32Array, rows: number) => void): Float64Array {
    if (chunkRows >= f.nField && !visit && this.functional.fieldSums) {
      // The engine does the LCAO, the layers and the sums in one call (the native engine's field graph), on the
      // basis summed per orbital type and the types' rows: B C = (B S) T, about a third of the orbitals' columns.
      // T's rows as the table holds them: Psi's own column normalisation absorbs C's (a positive factor per column).
      const D = this.config.dim, { types, typeOf } = orbitalTypes(f.orbitalIndex);
      const basis = typeBasisFrozen(f, this.zeta, typeOf, types.length);
      const T = coefficientRows(this.coefficient, types, D, new Float32Array(types.length * D));
      return this.functional.fieldSums(basis, T, f.nField, orbitalScale(f.nElectrons, D));
    }
    if (chunkRows >= f.nField) {
      const psi = this.orbitals(f);
      visit?.(psi, f.nField);
      return columnSums(this.functional.hidden(psi, f.nField), f.nField);
    }
    const D = this.config.dim, zeta = orbitalZeta(f, this.zeta), C = this.coefficients(f);
    const norms = basisNormsInChunks(f, zeta, chunkRows);
    const eachChunk = (work: (psi: Float32Array, rows: number) => void) => {
      for (let start = 0; start < f.nField; start += chunkRows) {
        const end = Math.min(f.nField, start + chunkRows);
        work(this.engine.product(basisRowsFrozen(f, zeta, norms, start, end), C, end - start, D), end - start);
      }
    };
    const squares = new Float64Array(D);
    eachChunk((products, rows) => addColumnSquares(products, rows, squares));
    const factors = orbitalFactors(squares, f.nElectrons, D);
    let sums: Float64Array | null = null;
    eachChunk((products, rows) => {
      const psi = multiplyColumns(products, rows, factors);
      visit?.(psi, rows);
      const h = this.functional.hidden(psi, rows);
      addColumnSums(h, rows, (sums ??= new Float64Array(h.length / rows)));
    });
    return sums!;
  }

  /** The property head on a reduced vector: f32 [K]. */
  head(reduced: Float64Array): Float32Array {
    return propertyHeadFrozen(reduced, this.propertyWeight, this.propertyBias);
  }

  /** Predicted properties for one molecule: f32 [K]. */
  predictOne(f: FieldFeatures, chunkRows = f.nField): Float32Array {
    return this.head(this.reduced(f, chunkRows));
  }
}
