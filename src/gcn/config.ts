// The 3D GCN's hyperparameters and parameter tensors (names as the authors' molecularGNN_3Dstructure state_dict).
import type { Readout, Weights } from "../model/config.js";

/** The model-file metadata key that names a model's architecture ("qdf" when absent). */
export const ARCHITECTURE_KEY = "architecture";

export interface GcnConfig {
  /** Width of the atom vectors. */
  dim: number;
  /** Graph-convolution layers (the authors' layer_hidden). */
  layerHidden: number;
  /** Dense layers after the convolutions, before the sum over atoms (layer_output). */
  layerOutput: number;
  /** Reduction over atoms: sum (extensive properties) or mean. */
  operation: Readout;
  property: string;
  /** Element symbol -> row of the embedding and gamma tables, in order of first appearance in the training data. */
  atomDict: Record<string, number>;
  outputs: number;
  /**
   * Fewest and most atoms of a training molecule (metadata "atom_count_range", as QDF's): prediction warns beyond
   * it (src/chem/applicability.ts). Absent in GCN files written before it was recorded.
   */
  atomCountRange?: [number, number];
}

export interface GcnModelData {
  config: GcnConfig;
  weights: Weights;
}

/** Every parameter with its shape (weights out x in, as torch.nn.Linear). */
export function gcnParameterShapes(c: GcnConfig): [string, number[]][] {
  const nA = Object.keys(c.atomDict).length, D = c.dim;
  const out: [string, number[]][] = [["embed_atom.weight", [nA, D]]];
  for (let l = 0; l < c.layerHidden; l++) out.push([`gamma.${l}.weight`, [nA, 1]]);
  for (let l = 0; l < c.layerHidden; l++) out.push([`W_atom.${l}.weight`, [D, D]], [`W_atom.${l}.bias`, [D]]);
  for (let l = 0; l < c.layerOutput; l++) out.push([`W_output.${l}.weight`, [D, D]], [`W_output.${l}.bias`, [D]]);
  out.push(["W_property.weight", [c.outputs, D]], ["W_property.bias", [c.outputs]]);
  return out;
}
