// Types for Comlink's ESM files, imported by path (its "main" is UMD, which Node's ESM loader can't name-import).
declare module "comlink/dist/esm/comlink.mjs" {
  export * from "comlink";
}
declare module "comlink/dist/esm/node-adapter.mjs" {
  import type { Endpoint } from "comlink";
  import type { NodeEndpoint } from "comlink/dist/umd/node-adapter.js";
  export default function nodeEndpoint(nep: NodeEndpoint): Endpoint;
}
