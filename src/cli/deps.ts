// The one deps object (gh's Factory), built once by bin/ for the real process
// and by tests with captured streams. Commands read no globals.
import { readFileSync } from 'node:fs';
import { Redactor, secretsFromEnv } from '../core/redact.js';
import { createIO, type IO } from './io.js';
import { inquirerPrompter, type Prompter } from './prompter.js';

export interface Deps {
  io: IO;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on Ctrl-C: commands stop, print what they have, exit 130. */
  signal: AbortSignal;
  version: string;
  now: () => number;
  prompter: Prompter;
}

export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function createProcessDeps(signal: AbortSignal): Deps {
  const env = process.env;
  const io = createIO({
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stdout.columns,
    env,
    redactor: new Redactor(secretsFromEnv(env)),
    stderrStream: process.stderr,
  });
  return { io, env, cwd: process.cwd(), signal, version: toolVersion(), now: Date.now, prompter: inquirerPrompter() };
}
