// ONNX models (ir_version 8, opset 13) written in memory: a chain of dense ReLU layers from plain weights, one matrix
// product of two inputs, and the protobuf pieces the field graph (onnxFieldModel.ts) is built from.
import { ProtoWriter } from "./protobufWriter.js";

/** One dense layer, W [out, in] row-major as torch.nn.Linear stores it, b [out]. */
export interface OnnxDenseLayer {
  weight: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
}

// ONNX's field numbers (onnx/onnx.proto) and enums used here.
/** TensorProto's element types used here. */
export const ELEMENT = { float: 1, int64: 7, double: 11 } as const;
export type ElementType = (typeof ELEMENT)[keyof typeof ELEMENT];
const ATTRIBUTE_INT = 2, ATTRIBUTE_INTS = 7;
const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 };
const OPSET = { domain: 1, version: 2 };
export const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, i: 3, ints: 8, type: 20 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const VALUE_INFO = { name: 1, type: 2 };
const TYPE = { tensorType: 1 };
const TENSOR_TYPE = { elemType: 1, shape: 2 };
const SHAPE = { dim: 1 };
const DIM = { value: 1, param: 2 };

/** The name of the graph's input, x [rows, in], and of its output, the last layer's relu [rows, out]. */
export const ONNX_INPUT = "x", ONNX_OUTPUT = "h";

/** Values as little-endian bytes (raw_data) of their element type. */
function littleEndian(values: Float32Array | Float64Array | BigInt64Array, type: ElementType): Uint8Array {
  const size = type === ELEMENT.float ? 4 : 8, out = new Uint8Array(values.length * size), view = new DataView(out.buffer);
  values.forEach((v: number | bigint, i: number) => {
    if (type === ELEMENT.float) view.setFloat32(i * 4, v as number, true);
    else if (type === ELEMENT.double) view.setFloat64(i * 8, v as number, true);
    else view.setBigInt64(i * 8, v as bigint, true);
  });
  return out;
}

/** A constant tensor of the graph (float32 unless `type` says double or int64). */
export function initializer(name: string, dims: number[], values: Float32Array | Float64Array | BigInt64Array,
                            type: ElementType = ELEMENT.float): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of dims) t.int(TENSOR.dims, d);
  return t.int(TENSOR.dataType, type).string(TENSOR.name, name).bytes(TENSOR.rawData, littleEndian(values, type));
}

/** A tensor of these dims (float32 unless `type` says): a number is fixed, a string a dynamic dimension of that name. */
export function valueInfo(name: string, dims: (number | string)[], type: ElementType = ELEMENT.float): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(SHAPE.dim, typeof d === "number" ? new ProtoWriter().int(DIM.value, d) : new ProtoWriter().string(DIM.param, d));
  const tensor = new ProtoWriter().int(TENSOR_TYPE.elemType, type).message(TENSOR_TYPE.shape, shape);
  return new ProtoWriter().string(VALUE_INFO.name, name).message(VALUE_INFO.type, new ProtoWriter().message(TYPE.tensorType, tensor));
}

/** The ModelProto around a graph (ir_version 8, opset 13). */
export function modelProto(graph: ProtoWriter): Uint8Array {
  return new ProtoWriter()
    .int(MODEL.irVersion, 8)
    .string(MODEL.producerName, "qdf-wasm")
    .message(MODEL.opsetImport, new ProtoWriter().string(OPSET.domain, "").int(OPSET.version, 13))
    .message(MODEL.graph, graph)
    .finish();
}

/** A node; `ints` its integer attributes (a number an INT, an array INTS). */
export function node(opType: string, name: string, inputs: string[], outputs: string[],
                     ints: Record<string, number | number[]> = {}): ProtoWriter {
  const n = new ProtoWriter();
  for (const i of inputs) n.string(NODE.input, i);
  for (const o of outputs) n.string(NODE.output, o);
  n.string(NODE.name, name).string(NODE.opType, opType);
  for (const [key, value] of Object.entries(ints)) {
    const a = new ProtoWriter().string(ATTRIBUTE.name, key);
    if (typeof value === "number") a.int(ATTRIBUTE.i, value).int(ATTRIBUTE.type, ATTRIBUTE_INT);
    else { for (const v of value) a.int(ATTRIBUTE.ints, v); a.int(ATTRIBUTE.type, ATTRIBUTE_INTS); }
    n.message(NODE.attribute, a);
  }
  return n;
}

/**
 * Appends Gemm (transB = 1, so W keeps torch's layout) and Relu per layer to `graph`, from input `x`, the last relu
 * named `out`; layer l's tensors are named W{l}, b{l}, y{l}, h{l} from l = `first`. Returns the last layer's width.
 */
export function appendLayers(graph: ProtoWriter, x: string, layers: OnnxDenseLayer[], out: string, first = 0): number {
  layers.forEach((layer, i) => {
    const l = first + i, { w, b } = appendWeights(graph, layer, l);
    const y = `y${l}`, h = i === layers.length - 1 ? out : `h${l}`;
    graph.message(GRAPH.node, node("Gemm", `gemm${l}`, [x, w, b], [y], { transB: 1 }));
    graph.message(GRAPH.node, node("Relu", `relu${l}`, [y], [h]));
    x = h;
  });
  return layers[layers.length - 1]!.outputs;
}

/** Layer l's W and b as initializers W{l}, b{l}, after checking their sizes. */
export function appendWeights(graph: ProtoWriter, layer: OnnxDenseLayer, l: number): { w: string; b: string } {
  if (layer.weight.length !== layer.inputs * layer.outputs || layer.bias.length !== layer.outputs) {
    throw new Error(`ONNX model: layer ${l} has W of ${layer.weight.length} and b of ${layer.bias.length} values for [${layer.outputs}, ${layer.inputs}]`);
  }
  const w = `W${l}`, b = `b${l}`;
  graph.message(GRAPH.initializer, initializer(w, [layer.outputs, layer.inputs], layer.weight));
  graph.message(GRAPH.initializer, initializer(b, [layer.outputs], layer.bias));
  return { w, b };
}

/** relu(... relu(x W0^T + b0) ... W^T + b), Gemm and Relu per layer: the serialized ModelProto. */
export function denseReluModel(layers: OnnxDenseLayer[]): Uint8Array {
  if (layers.length === 0) throw new Error("denseReluModel: no layers");
  const graph = new ProtoWriter().string(GRAPH.name, "qdf_functional");
  const width = appendLayers(graph, ONNX_INPUT, layers, ONNX_OUTPUT);
  graph.message(GRAPH.input, valueInfo(ONNX_INPUT, ["rows", layers[0]!.inputs]));
  graph.message(GRAPH.output, valueInfo(ONNX_OUTPUT, ["rows", width]));
  return modelProto(graph);
}

/** The names of the product graph's inputs, a [rows, inner] and b [inner, cols], and of its output a b. */
export const ONNX_PRODUCT = { a: "a", b: "b", out: "ab" } as const;

/** a b for two float inputs of any (compatible) sizes, one MatMul: the serialized ModelProto. */
export function matMulModel(): Uint8Array {
  const graph = new ProtoWriter().string(GRAPH.name, "qdf_product")
    .message(GRAPH.node, node("MatMul", "matmul", [ONNX_PRODUCT.a, ONNX_PRODUCT.b], [ONNX_PRODUCT.out]))
    .message(GRAPH.input, valueInfo(ONNX_PRODUCT.a, ["rows", "inner"]))
    .message(GRAPH.input, valueInfo(ONNX_PRODUCT.b, ["inner", "cols"]))
    .message(GRAPH.output, valueInfo(ONNX_PRODUCT.out, ["rows", "cols"]));
  return modelProto(graph);
}
