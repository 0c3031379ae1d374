// Test helper: paths into the repository and into ../shared (data and reference values, never copied into the repo).
import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";

/** Repository root (tests run from dist/test/...; walk up to the folder with package.json). */
export const repoRoot = resolve(fileURLToPath(import.meta.url), "../../..");

/** A path under ../shared beside the repository. */
export function sharedPath(...parts: string[]): string {
  return join(repoRoot, "..", "shared", ...parts);
}
