// One ONNX graph for a molecule's whole field in prediction: Psi = B C normalised per column, the functional's ReLU
// layers, and the column sums the readout reads, so that a molecule is one native call instead of three.
import { ProtoWriter } from "./protobufWriter.js";
import {
  appendLayers, appendWeights, ELEMENT, GRAPH, initializer, modelProto, node, type OnnxDenseLayer, valueInfo,
} from "./onnxModel.js";

/**
 * The field graph's inputs, B f32 [rows, nOrb], C f32 [nOrb, D] and scale f64 [1] (sqrt(N_elec / D)), and its output,
 * the column sums f64 [out] of the last layer over the rows.
 */
export const ONNX_FIELD = { basis: "basis", coefficients: "coefficients", scale: "scale", sums: "sums" } as const;

/**
 * sum over rows of relu(... relu(Psi W0^T + b0) ...), Psi = (B C) diag(f), f_k = scale / max(||(B C)[:, k]||, floor):
 * the serialized ModelProto. Column norms, factors and sums are in float64 as the staged path has them (the factors
 * rounded to float32 before use, as there). The first layer is reassociated, Psi W0^T = B (C diag(f) W0^T): exact in
 * real arithmetic, and fewer FLOPs whenever a molecule has fewer orbitals than D (all of QM9: 7% fewer in all), so
 * its float32 rounding differs from the staged path's within the engines' tolerance.
 */
export function fieldSumsModel(layers: OnnxDenseLayer[], floor: number): Uint8Array {
  if (layers.length === 0) throw new Error("fieldSumsModel: no layers");
  const { basis, coefficients, scale, sums } = ONNX_FIELD;
  const graph = new ProtoWriter().string(GRAPH.name, "qdf_field");
  const add = (op: string, inputs: string[], output: string, ints: Record<string, number | number[]> = {}) =>
    graph.message(GRAPH.node, node(op, output, inputs, [output], ints));
  graph.message(GRAPH.initializer, initializer("floor", [1], Float64Array.of(floor), ELEMENT.double));
  graph.message(GRAPH.initializer, initializer("rowAxis", [1], BigInt64Array.of(0n), ELEMENT.int64));

  add("MatMul", [basis, coefficients], "products");
  add("Cast", ["products"], "products64", { to: ELEMENT.double });
  // Mul then ReduceSum: ORT's ReduceSumSquare over axis 0 took twice as long (0.23 against ~0.12 ms a QM9 molecule).
  add("Mul", ["products64", "products64"], "products64sq");
  add("ReduceSum", ["products64sq", "rowAxis"], "squares", { keepdims: 1 });
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
