// The virtual module rollup's browser builds provide: openchemlib's resources.json, the conformer and MMFF94 tables only.
declare module "qdf:openchemlib-resources" {
  const tables: Record<string, string>;
  export default tables;
}
