// main(argv, deps) → exit code. Nothing here (or below) exits the process;
// bin/mx-runbook.js does, with the number returned.
import { CommanderError } from 'commander';
import type { Deps } from './deps.js';
import { describeError, EXIT, exitCodeFor } from './exit-codes.js';
import { buildProgram } from './program.js';

export async function main(argv: string[], deps: Deps): Promise<number> {
  let result: Promise<number> | undefined;
  const program = buildProgram(deps, (p) => (result = p));
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (!result) {
      program.outputHelp();
      return EXIT.usage;
    }
    return await result;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; any parse error is a usage error.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    deps.io.err(describeError(err));
    return exitCodeFor(err);
  }
}
