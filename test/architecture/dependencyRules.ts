// The dependency direction of src/, checked by dependency-cruiser in npm test (dependencies.test.ts beside this file).
// Layers, lowest first: kernels -> chem -> io -> model -> predict, density, train -> workers -> api -> cli, index.
import type { IForbiddenRuleType } from "dependency-cruiser";

const layer = (folders: string[]) => `^src/(${folders.join("|")})/`;

export const forbidden: IForbiddenRuleType[] = [
  { name: "no-circular", severity: "error", comment: "no import cycles anywhere", from: {}, to: { circular: true } },
  {
    name: "kernels-know-no-molecules", severity: "error",
    comment: "kernels take flat arrays: nothing of chemistry, models or orchestration",
    from: { path: "^src/kernels/" },
    to: { path: layer(["chem", "io", "model", "predict", "density", "train", "workers", "api", "cli", "node"]) },
  },
  {
    name: "chem-is-leaf", severity: "error", comment: "molecules and their parsers stand on nothing of the model",
    from: { path: "^src/chem/" },
    to: { path: layer(["kernels", "io", "model", "predict", "density", "train", "workers", "api", "cli", "node"]) },
  },
  {
    name: "io-below-orchestration", severity: "error",
    comment: "file formats know no API, workers, training or the model's orchestration (stage and config modules are fine)",
    from: { path: "^src/io/" },
    to: { path: [layer(["api", "workers", "train", "cli", "density", "node"]), "^src/model/(qdf|frozenModel)\\.ts$", "^src/predict/(?!result\\.ts$)"] },
  },
  {
    name: "model-below-its-users", severity: "error",
    comment: "the physics stages know nothing of prediction, density, training, workers or the API",
    from: { path: "^src/model/" },
    to: { path: layer(["predict", "density", "train", "workers", "api", "cli", "node"]) },
  },
  {
    name: "no-node-below-the-edge", severity: "error",
    comment: "the core runs in browsers: Node's modules only in cli/, node/ and the Node worker entries",
    from: { path: "^src/", pathNot: ["^src/(cli|node)/", "^src/workers/(spawn|exposeNode)\\.ts$"] },
    to: { dependencyTypes: ["core"] },
  },
  {
    name: "native-engine-only-from-the-node-edge", severity: "error",
    comment: "onnxruntime-node (the optional native engine) is reached only through src/node/nativeEngine.ts, from cli/, node/ " +
      "and the Node prediction worker's entry (each worker runs its own session)",
    from: { path: "^src/", pathNot: ["^src/(cli|node)/", "^src/workers/workerNode\\.ts$"] },
    to: { path: ["^src/node/nativeEngine\\.ts$", "onnxruntime"] },
  },
];

/** Cruise options: type-only imports count (a cycle of types is still a cycle); node_modules are not followed. */
export const cruiseOptions = {
  doNotFollow: { path: "node_modules" },
  tsPreCompilationDeps: true,
  exclude: { path: "Binary\\.ts$" },
};
