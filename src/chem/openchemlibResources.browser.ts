// Browser platform: the tables come from the bundle (rollup inlines the part of resources.json that 3D embedding needs).
import type { Resources } from "openchemlib";
import tables from "qdf:openchemlib-resources";

export function registerResources(resources: typeof Resources): void {
  resources.register(tables);
}
