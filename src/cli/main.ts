// The `qdf` command line: dispatches to one command, turns errors into a message and an exit code.
import { UsageError } from "./args.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { commands } from "./commands.js";
import { packageRoot } from "../node/shippedModels.js";
import { nativeEngineStatus } from "../node/nativeEngine.js";

/** `qdf --version`: the package's version and the dense engines this installation can use. */
async function version(): Promise<string> {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { name: string; version: string };
  return `${pkg.name} ${pkg.version}\nengines: wasm (tfjs-backend-wasm SIMD, always); native: ${await nativeEngineStatus()}\n`;
}

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `usage: qdf <command> [options]   (qdf <command> --help for each; qdf --version)

Quantum Deep Field (QDF) for molecules: atomization energies and other properties from 3D structure.

commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}
`;
}

/** Runs the CLI with argv (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(overview());
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(await version());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`qdf: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    // A closed pipe (`qdf predict ... | head`) is the reader's choice, not a failure.
    if ((e as NodeJS.ErrnoException).code === "EPIPE") return 0;
    if (e instanceof UsageError) {
      process.stderr.write(`qdf ${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`qdf ${name}: error: ${(e as Error).message}\n`);
    if (process.env.QDF_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}
