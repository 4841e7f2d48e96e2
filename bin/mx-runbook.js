#!/usr/bin/env node
// The only place that decides the process's exit code.
import { main } from '../dist/cli/main.js';
import { createProcessDeps } from '../dist/cli/deps.js';

const ac = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  // First Ctrl-C: stop, print partial results, exit 130. Second: now.
  if (++interrupts > 1) process.exit(130);
  ac.abort();
});
process.on('SIGTERM', () => ac.abort());

const code = await main(process.argv.slice(2), createProcessDeps(ac.signal));
process.exitCode = code;
// Leave once stdout has drained; a stray handle must not keep a CI job alive.
process.stdout.write('', () => setTimeout(() => process.exit(code), 50).unref());
