// An ONNX model (ir_version 8, opset 13) of a chain of dense ReLU layers, written from plain weights in memory.
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

/** A float tensor [rows, width] whose first dimension is dynamic (any number of field points). */
function valueInfo(name: string, width: number): ProtoWriter {
  const shape = new ProtoWriter()
    .message(SHAPE.dim, new ProtoWriter().string(DIM.param, "rows"))
    .message(SHAPE.dim, new ProtoWriter().int(DIM.value, width));
  const tensor = new ProtoWriter().int(TENSOR_TYPE.elemType, FLOAT).message(TENSOR_TYPE.shape, shape);
  return new ProtoWriter().string(VALUE_INFO.name, name).message(VALUE_INFO.type, new ProtoWriter().message(TYPE.tensorType, tensor));
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
  graph.message(GRAPH.input, valueInfo(ONNX_INPUT, layers[0]!.inputs));
  graph.message(GRAPH.output, valueInfo(ONNX_OUTPUT, layers[layers.length - 1]!.outputs));
  return new ProtoWriter()
    .int(MODEL.irVersion, 8)
    .string(MODEL.producerName, "qdf-wasm")
    .message(MODEL.opsetImport, new ProtoWriter().string(OPSET.domain, "").int(OPSET.version, 13))
    .message(MODEL.graph, graph)
    .finish();
}
