// The `qdf` command line: dispatches to one command, turns errors into a message and an exit code.
import { UsageError } from "./args.js";
import { commands } from "./commands.js";

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `usage: qdf <command> [options]   (qdf <command> --help for each)

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
