// ONNX models (ir_version 8, opset 13) written in memory: a chain of dense ReLU layers from plain weights, and one
// matrix product of two inputs.
import { ProtoWriter } from "./protobufWriter.js";

/** One dense layer, W [out, in] row-major as torch.nn.Linear stores it, b [out]. */
export interface OnnxDenseLayer {
  weight: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
}

// ONNX's field numbers (onnx/onnx.proto) and enums used here.
const FLOAT = 1, ATTRIBUTE_INT = 2;
const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 };
const OPSET = { domain: 1, version: 2 };
const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, i: 3, type: 20 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const VALUE_INFO = { name: 1, type: 2 };
const TYPE = { tensorType: 1 };
const TENSOR_TYPE = { elemType: 1, shape: 2 };
const SHAPE = { dim: 1 };
const DIM = { value: 1, param: 2 };

/** The name of the graph's input, x [rows, in], and of its output, the last layer's relu [rows, out]. */
export const ONNX_INPUT = "x", ONNX_OUTPUT = "h";

/** float32 values as little-endian bytes (raw_data). */
function littleEndian(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4), view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

function initializer(name: string, dims: number[], values: Float32Array): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of dims) t.int(TENSOR.dims, d);
  return t.int(TENSOR.dataType, FLOAT).string(TENSOR.name, name).bytes(TENSOR.rawData, littleEndian(values));
}

/** A float tensor of these dims: a number is fixed, a string a dynamic dimension of that name. */
function valueInfo(name: string, dims: (number | string)[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(SHAPE.dim, typeof d === "number" ? new ProtoWriter().int(DIM.value, d) : new ProtoWriter().string(DIM.param, d));
  const tensor = new ProtoWriter().int(TENSOR_TYPE.elemType, FLOAT).message(TENSOR_TYPE.shape, shape);
  return new ProtoWriter().string(VALUE_INFO.name, name).message(VALUE_INFO.type, new ProtoWriter().message(TYPE.tensorType, tensor));
}

/** The ModelProto around a graph (ir_version 8, opset 13). */
function modelProto(graph: ProtoWriter): Uint8Array {
  return new ProtoWriter()
    .int(MODEL.irVersion, 8)
    .string(MODEL.producerName, "qdf-wasm")
    .message(MODEL.opsetImport, new ProtoWriter().string(OPSET.domain, "").int(OPSET.version, 13))
    .message(MODEL.graph, graph)
    .finish();
}

function node(opType: string, name: string, inputs: string[], outputs: string[], ints: Record<string, number> = {}): ProtoWriter {
  const n = new ProtoWriter();
  for (const i of inputs) n.string(NODE.input, i);
  for (const o of outputs) n.string(NODE.output, o);
  n.string(NODE.name, name).string(NODE.opType, opType);
  for (const [key, value] of Object.entries(ints)) {
    n.message(NODE.attribute, new ProtoWriter().string(ATTRIBUTE.name, key).int(ATTRIBUTE.i, value).int(ATTRIBUTE.type, ATTRIBUTE_INT));
  }
  return n;
}

/**
 * relu(... relu(x W0^T + b0) ... W^T + b) as Gemm (transB = 1, so W keeps torch's layout) and Relu per layer: the
 * serialized ModelProto.
 */
export function denseReluModel(layers: OnnxDenseLayer[]): Uint8Array {
  if (layers.length === 0) throw new Error("denseReluModel: no layers");
  const graph = new ProtoWriter().string(GRAPH.name, "qdf_functional");
  let x = ONNX_INPUT;
  layers.forEach((layer, l) => {
    if (layer.weight.length !== layer.inputs * layer.outputs || layer.bias.length !== layer.outputs) {
      throw new Error(`denseReluModel: layer ${l} has W of ${layer.weight.length} and b of ${layer.bias.length} values for [${layer.outputs}, ${layer.inputs}]`);
    }
    const w = `W${l}`, b = `b${l}`, y = `y${l}`, h = l === layers.length - 1 ? ONNX_OUTPUT : `h${l}`;
    graph.message(GRAPH.initializer, initializer(w, [layer.outputs, layer.inputs], layer.weight));
    graph.message(GRAPH.initializer, initializer(b, [layer.outputs], layer.bias));
    graph.message(GRAPH.node, node("Gemm", `gemm${l}`, [x, w, b], [y], { transB: 1 }));
    graph.message(GRAPH.node, node("Relu", `relu${l}`, [y], [h]));
    x = h;
  });
  graph.message(GRAPH.input, valueInfo(ONNX_INPUT, ["rows", layers[0]!.inputs]));
  graph.message(GRAPH.output, valueInfo(ONNX_OUTPUT, ["rows", layers[layers.length - 1]!.outputs]));
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
