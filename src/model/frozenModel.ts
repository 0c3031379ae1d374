// The forward pass with frozen weights for prediction: basis -> LCAO -> functional -> readout -> E, each stage's
// frozen form (plain arrays between stages, matmuls in tfjs-wasm), composed once here.
import type { QdfConfig, Weights } from "./config.js";
import type { MoleculeFeatures } from "./features.js";
import { basisFrozen } from "./basis.js";
import { molecularOrbitalsFrozen, normalizedCoefficients } from "./lcao.js";
import { FrozenDense, functionalHiddenFrozen, propertyHeadFrozen } from "./functional.js";
import { readoutFrozen } from "./readout.js";

/**
 * Frozen weights for prediction. Differences from the taped path (qdf.ts), all exact in real arithmetic: coefficients
 * are gathered and normalised in JS; Psi's column norms (float64), its scaling and the readout's column sums are done
 * by SIMD kernels on the matrices read back from tfjs. That is cheaper than tfjs-wasm's axis-0 reductions or a
 * ones-row matmul, which repack a fresh right-hand matrix on every call, whereas the layers' weights stay packed in
 * XNNPACK's cache. Molecules go one at a time: stacking them made the matmuls slower (cache).
 */
export class FrozenModel {
  private readonly coefficient: Float32Array;
  private readonly zeta: Float32Array;
  private readonly layers: FrozenDense[] = [];
  private readonly propertyWeight: Float32Array;
  private readonly propertyBias: Float32Array;

  constructor(readonly config: QdfConfig, weights: Weights) {
    const get = (name: string) => {
      const t = weights.get(name);
      if (!t) throw new Error(`model has no tensor ${name}`);
      return t;
    };
    this.coefficient = get("coefficient.weight").data;
    this.zeta = get("zeta.weight").data;
    for (let l = 0; l < config.layerFunctional; l++) {
      this.layers.push(new FrozenDense(get(`W_functional.${l}.weight`), get(`W_functional.${l}.bias`)));
    }
    this.propertyWeight = get("W_property.weight").data;
    this.propertyBias = get("W_property.bias").data;
  }

  dispose(): void {
    for (const l of this.layers) l.dispose();
  }

  /** Psi f32 [nField * D]: the basis and LCAO stages. */
  orbitals(f: MoleculeFeatures): Float32Array {
    const D = this.config.dim;
    const basis = basisFrozen(f, this.zeta).values;
    const coefficients = normalizedCoefficients(this.coefficient, f.orbitalIndex, D, new Float32Array(f.orbitalIndex.length * D));
    return molecularOrbitalsFrozen(basis, coefficients, f.nField, D, f.nElectrons);
  }

  /** The functional's reduced output f64 [D] (the vector the property head reads). */
  reduced(f: MoleculeFeatures): Float64Array {
    return readoutFrozen(functionalHiddenFrozen(this.orbitals(f), f.nField, this.layers), f.nField, this.config.operation);
  }

  /** Predicted properties for one molecule: f32 [K]. */
  predictOne(f: MoleculeFeatures): Float32Array {
    return propertyHeadFrozen(this.reduced(f), this.propertyWeight, this.propertyBias);
  }
}
