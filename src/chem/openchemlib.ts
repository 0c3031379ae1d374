// Loads openchemlib once (lazily: only SMILES and fingerprints need it) and registers its force-field and torsion tables.
export type OpenChemLib = typeof import("openchemlib");

let loading: Promise<OpenChemLib> | null = null;

/**
 * openchemlib with its resources registered. The first call imports the 1 MB library and registers the tables
 * (from the package folder in Node, from the bundle in browsers: nothing is fetched); later calls reuse it.
 */
export function loadOpenChemLib(): Promise<OpenChemLib> {
  // Both imports are dynamic so that bundles load the library and its ~0.9 MB of tables only when SMILES come.
  loading ??= Promise.all([import("openchemlib"), import("./openchemlibResources.js")]).then(([mod, resources]) => {
    const ocl = ((mod as { default?: OpenChemLib }).default ?? mod) as OpenChemLib;
    resources.registerResources(ocl.Resources);
    return ocl;
  });
  return loading;
}
