#!/usr/bin/env node
// The only place that decides the process's exit code.
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);

// `--version` is what scripts call most and it needs nothing but the
// version: answering it here skips loading commander (~10 ms of start-up).
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { main } = await import('../dist/cli/main.js');
  const { createProcessDeps } = await import('../dist/cli/deps.js');

  const ac = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    // First Ctrl-C: stop, print partial results, exit 130. Second: now.
    if (++interrupts > 1) process.exit(130);
    ac.abort();
  });
  process.on('SIGTERM', () => ac.abort());

  const code = await main(argv, createProcessDeps(ac.signal));
  process.exitCode = code;
  // Leave once stdout has drained; a stray handle must not keep a CI job alive.
  process.stdout.write('', () => setTimeout(() => process.exit(code), 50).unref());
}
