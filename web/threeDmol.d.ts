// Types for 3Dmol.js's ES module build, imported by path (the package's "main" is its UMD build).
declare module "3dmol/build/3Dmol.es6-min.js" {
  export * from "3dmol";
}
