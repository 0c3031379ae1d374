// Test helper: paths into the repository and into ../shared (data and reference values, never copied into the repo).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";

/** Repository root (tests run from dist/test/...; walk up to the folder with package.json). */
export const repoRoot = resolve(fileURLToPath(import.meta.url), "../../..");

/** ../shared beside the checkout. */
export const sharedRoot = resolve(repoRoot, "..", "shared");

let sharedChecked = false;

/**
 * A path under ../shared beside the repository. The first call checks that ../shared is there; without it the tests
 * cannot compare anything, so the run stops with one message instead of an ENOENT stack from every test file.
 */
export function sharedPath(...parts: string[]): string {
  if (!sharedChecked) {
    if (!existsSync(join(sharedRoot, "reference")) || !existsSync(join(sharedRoot, "data"))) {
      process.stderr.write(
        `\nqdf-wasm tests: ${sharedRoot} is missing (or has no reference/ and data/).\n` +
          `The tests read the data sets and the authors' reference values from ../shared beside the checkout:\n` +
          `put a copy of it (or a symlink to it) at ${sharedRoot} and run the tests again.\n\n`,
      );
      process.exit(1);
    }
    sharedChecked = true;
  }
  return join(sharedRoot, ...parts);
}
