// Model hyperparameters and the parameter tensors they imply (names and shapes as in method.md section 5).
import type { Float32Tensor } from "../io/safetensors.js";
import type { Readout } from "./readout.js";

export type { Readout } from "./readout.js";

/** Where the orbitals are evaluated: the grid around each atom (method.md 3), or the nuclei themselves (the GCN view). */
export type FieldKind = "grid" | "atoms";

export interface QdfConfig {
  basisSet: string;
  /** Absent: "grid" (every published model). With "atoms", radius and gridInterval are unused. */
  field?: FieldKind;
  radius: number;
  gridInterval: number;
  /** D: width of the molecular orbitals and the functional. */
  dim: number;
  layerFunctional: number;
  /** H: hidden width of the Hohenberg-Kohn map. */
  hiddenHK: number;
  layerHK: number;
  operation: Readout;
  property: string;
  /** Orbital type name (e.g. "C2p3") -> row of coefficient.weight / zeta.weight. */
  orbitalDict: Record<string, number>;
  /** K: number of outputs. */
  outputs: number;
  /**
   * Fewest and most atoms of a molecule in the training set (metadata "atom_count_range", e.g. "[3,14]"): where
   * the model has seen data. Absent in files written before it was recorded.
   */
  atomCountRange?: [number, number];
}

export type { Float32Tensor } from "../io/safetensors.js";

export type Weights = Map<string, Float32Tensor>;

/** Every parameter name with the shape the config implies, in the reference's state_dict order. */
export function parameterShapes(c: QdfConfig): [string, number[]][] {
  const nOrb = Object.keys(c.orbitalDict).length;
  const out: [string, number[]][] = [
    ["coefficient.weight", [nOrb, c.dim]],
    ["zeta.weight", [nOrb, 1]],
  ];
  for (let l = 0; l < c.layerFunctional; l++) {
    out.push([`W_functional.${l}.weight`, [c.dim, c.dim]], [`W_functional.${l}.bias`, [c.dim]]);
  }
  out.push(["W_property.weight", [c.outputs, c.dim]], ["W_property.bias", [c.outputs]]);
  out.push(["W_density.weight", [c.hiddenHK, 1]], ["W_density.bias", [c.hiddenHK]]);
  for (let l = 0; l < c.layerHK; l++) {
    out.push([`W_HK.${l}.weight`, [c.hiddenHK, c.hiddenHK]], [`W_HK.${l}.bias`, [c.hiddenHK]]);
  }
  out.push(["W_potential.weight", [1, c.hiddenHK]], ["W_potential.bias", [1]]);
  return out;
}

/** A model: its configuration and its weights (every tensor of parameterShapes). */
export interface QdfModelData {
  config: QdfConfig;
  weights: Weights;
}
