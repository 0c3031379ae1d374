// Node platform: openchemlib reads its resources.json (MMFF94 tables, COD torsions) from its own package folder.
import type { Resources } from "openchemlib";

export function registerResources(resources: typeof Resources): void {
  resources.registerFromNodejs();
}
