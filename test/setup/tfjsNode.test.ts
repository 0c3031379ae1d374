// In Node, "#tfjs-core" and "#tfjs-backend-wasm" are the generated re-exports of the packages loaded with require()
// (scripts/tfjs-node.mjs): every name the packages export, the same objects, one tfjs instance with direct imports.
import { createRequire } from "node:module";
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as core from "#tfjs-core";
import * as backend from "#tfjs-backend-wasm";
import * as direct from "@tensorflow/tfjs-core";

const require = createRequire(import.meta.url);

for (const [name, reexport] of [["@tensorflow/tfjs-core", core], ["@tensorflow/tfjs-backend-wasm", backend]] as const) {
  test(`${name}: every export re-exported, the same objects`, () => {
    const pkg = require(name) as Record<string, unknown>;
    const ours = reexport as unknown as Record<string, unknown>;
    const names = Object.keys(pkg).filter((k) => k !== "default");
    assert.ok(names.length > 5, `${name} exports ${names.length} names`);
    const missing = names.filter((k) => !(k in ours));
    assert.equal(missing, [], `missing from the re-export (rebuild: node scripts/tfjs-node.mjs): ${missing.join(", ")}`);
    for (const k of names) assert.ok(Object.is(ours[k], pkg[k]), `${k} is another object than the package's`);
    assert.is(ours.default, pkg, "default is the package itself");
  });
}

test("an ES import of @tensorflow/tfjs-core (tests, users) is the same tfjs instance as #tfjs-core", () => {
  assert.ok(direct.engine() === core.engine(), "two tfjs engines: the backends registered in one are missing in the other");
});

test.run();
