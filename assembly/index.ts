// Entry of the kernels module: re-exports every kernel (flat arrays in linear memory in, flat arrays out).
export { alloc, reset } from "./memory";
export { sphereTemplate, field } from "./field";
export { distances, basis, basisFromPoints, basisSquaresFromPoints, basisZetaGrad } from "./basis";
export { potential } from "./potential";
export { densityPoints, densityBox } from "./density";
export { columnNorms, columnSquaresAdd, multiplyColumns, scaleColumns, columnSums, columnSumsAdd, sumColumnRuns } from "./columns";
export { adamStep } from "./adam";
