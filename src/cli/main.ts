/**
 * Entry point of the `witx-wasi` command (bin/witx-wasi.js imports the built
 * copy of this file). Parses the command line, runs the program, and leaves the
 * process with the program's exit code.
 */
import { readFileSync } from "node:fs";
import { parseCliArgs, usageText } from "./args.js";
import { runWasmCommand } from "./run.js";

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCliArgs(argv);
  switch (command.kind) {
    case "help":
      process.stdout.write(usageText);
      return 0;
    case "tool-version":
      process.stdout.write(`witx-wasi ${toolVersion()}\n`);
      return 0;
    case "usage-error":
      process.stderr.write(`${command.message}\n`);
      return command.exitCode;
    case "run":
      return runWasmCommand(command, { error: (line) => process.stderr.write(`${line}\n`) });
  }
}

/** The package's version; package.json is two levels up from both src/cli/ and dist/bundle/. */
function toolVersion(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

// exitCode rather than process.exit(): pending stdout/stderr writes to pipes still drain.
process.exitCode = await main(process.argv.slice(2));
