// The package entry in Node: the whole library, plus the models shipped in the package (found from the installed code).
export * from "../index.js";
export { defaultModelPath, loadDefaultModel, shippedModels, type ShippedModel } from "./shippedModels.js";
