// Build step: the standalone density viewer (web/density.*) with 3Dmol.js beside it, served offline from one folder.
import { copyFileSync, mkdirSync } from "node:fs";

const out = new URL("../dist/density-page/", import.meta.url);
mkdirSync(out, { recursive: true });
for (const [from, to] of [
  ["node_modules/3dmol/build/3Dmol-min.js", "3Dmol-min.js"],
  ["web/density.html", "index.html"],
  ["web/density.js", "density.js"],
]) {
  copyFileSync(new URL(`../${from}`, import.meta.url), new URL(to, out));
}
console.log("density viewer written to dist/density-page/");
