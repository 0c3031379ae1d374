// One ONNX graph for a molecule's whole field in prediction: Psi = B C normalised per column, the functional's ReLU
// layers, and the column sums the readout reads, so that a molecule is one native call instead of three.
import { ProtoWriter } from "./protobufWriter.js";
import {
  appendLayers, appendWeights, ELEMENT, GRAPH, initializer, modelProto, node, type OnnxDenseLayer, valueInfo,
} from "./onnxModel.js";

/**
 * The field graph's inputs, B f32 [rows, k] and C f32 [k, D] for any k basis columns (prediction passes the basis
 * summed per orbital type and the types' rows, model/lcao.ts orbitalTypes), and scale f64 [1] (sqrt(N_elec / D)); its
 * output, the column sums f64 [out] of the last layer over the rows.
 */
export const ONNX_FIELD = { basis: "basis", coefficients: "coefficients", scale: "scale", sums: "sums" } as const;

/**
 * sum over rows of relu(... relu(Psi W0^T + b0) ...), Psi = (B C) diag(f), f_k = scale / max(||(B C)[:, k]||, floor):
 * the serialized ModelProto. C's columns may come unnormalised: Psi is the same for any positive scale of a column.
 *
 * The factorisation of training's E step (model/lcaoFactored.ts, firstLayerFromBasis), as one graph: fewer FLOPs
 * than the staged path's, exact in real arithmetic, so its float32 rounding differs within the engines' tolerance
 * (val set: ~1.5e-7 of the largest sum, 7.6e-6 eV). Psi's squared column norms are c_k^T (B^T B) c_k: the Gram matrix
 * and its product with C in float32, the dot with C, square roots and factors in float64 (the factors rounded to
 * float32 before use, as in the staged path). B C itself is never formed. B's entries are all positive (Gaussians),
 * so the Gram matrix has no cancellation of its own. The first layer is reassociated, Psi W0^T = B (C diag(f) W0^T):
 * fewer FLOPs whenever k < D. A QM9 molecule in prediction (702 points, 41 orbital types): 0.207 GFLOP, against
 * 0.285 with its 123 orbitals as the columns and 0.322 in the staged path; val set, 1 thread, 2.19 against 3.07 ms.
 */
export function fieldSumsModel(layers: OnnxDenseLayer[], floor: number): Uint8Array {
  if (layers.length === 0) throw new Error("fieldSumsModel: no layers");
  const { basis, coefficients, scale, sums } = ONNX_FIELD;
  const graph = new ProtoWriter().string(GRAPH.name, "qdf_field");
  const add = (op: string, inputs: string[], output: string, ints: Record<string, number | number[]> = {}) =>
    graph.message(GRAPH.node, node(op, output, inputs, [output], ints));
  graph.message(GRAPH.initializer, initializer("floor", [1], Float64Array.of(floor), ELEMENT.double));
  graph.message(GRAPH.initializer, initializer("rowAxis", [1], BigInt64Array.of(0n), ELEMENT.int64));

  add("Transpose", [basis], "basisT", { perm: [1, 0] });
  add("MatMul", ["basisT", basis], "gram");
  add("MatMul", ["gram", coefficients], "gramC");
  add("Cast", ["gramC"], "gramC64", { to: ELEMENT.double });
  add("Cast", [coefficients], "coefficients64", { to: ELEMENT.double });
  add("Mul", ["gramC64", "coefficients64"], "quadratic");
  add("ReduceSum", ["quadratic", "rowAxis"], "quadraticSums", { keepdims: 1 });
  // A column B C ~ 0 may round to a tiny negative square here (never as a sum of squares): 0, so the floor holds.
  add("Relu", ["quadraticSums"], "squares");
  add("Sqrt", ["squares"], "norms");
  add("Max", ["norms", "floor"], "floored");
  add("Div", [scale, "floored"], "factors64");
  add("Cast", ["factors64"], "factors", { to: ELEMENT.float });
  add("Mul", [coefficients, "factors"], "mixed");

  const { w, b } = appendWeights(graph, layers[0]!, 0);
  const first = layers.length === 1 ? "h" : "h0";
  add("Gemm", ["mixed", w], "mixedW", { transB: 1 });
  add("Gemm", [basis, "mixedW", b], "y0");
  add("Relu", ["y0"], first);
  const width = layers.length === 1 ? layers[0]!.outputs : appendLayers(graph, first, layers.slice(1), "h", 1);
  add("Cast", ["h"], "h64", { to: ELEMENT.double });
  add("ReduceSum", ["h64", "rowAxis"], sums, { keepdims: 0 });

  const D = layers[0]!.inputs;
  graph.message(GRAPH.input, valueInfo(basis, ["rows", "orbitals"]));
  graph.message(GRAPH.input, valueInfo(coefficients, ["orbitals", D]));
  graph.message(GRAPH.input, valueInfo(scale, [1], ELEMENT.double));
  graph.message(GRAPH.output, valueInfo(sums, [width], ELEMENT.double));
  return modelProto(graph);
}
