// Runs the CLI in-process, as bin/ would, with captured streams: the command
// tests see exactly what a person would, without a subprocess per case.
import type { Readable } from 'node:stream';
import { captureIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { Deps } from '../../src/cli/deps.js';
import type { Prompter } from '../../src/cli/prompter.js';
import { secretsFromEnv } from '../../src/core/redact.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A prompter that fails the test if anything prompts. */
export const noPrompts: Prompter = {
  select: () => Promise.reject(new Error('unexpected prompt')),
  input: () => Promise.reject(new Error('unexpected prompt')),
  secret: () => Promise.reject(new Error('unexpected prompt')),
  confirm: () => Promise.reject(new Error('unexpected prompt')),
};

export async function runCli(argv: string[], opts: { env?: Record<string, string>; cwd?: string; signal?: AbortSignal; prompter?: Prompter; tty?: boolean; stdin?: Readable } = {}): Promise<CliResult> {
  const env = { NO_COLOR: '1', ...opts.env };
  const io = captureIO({ env, secrets: secretsFromEnv(env), tty: opts.tty, stdin: opts.stdin });
  const deps: Deps = {
    io,
    env,
    cwd: opts.cwd ?? process.cwd(),
    signal: opts.signal ?? new AbortController().signal,
    version: '0.0.0-test',
    now: Date.now,
    prompter: opts.prompter ?? noPrompts,
  };
  const t0 = Date.now();
  const code = await main(argv, deps);
  return { code, stdout: io.stdout(), stderr: io.stderr(), ms: Date.now() - t0 };
}

export interface JsonDiagnosis {
  severity: string;
  runbooks: Array<{ id: string; status: string; severity: string; checks: Array<{ id: string; status: string; data?: Record<string, unknown> }>; findings: Array<{ code: string; severity: string; message: string; evidence: Record<string, unknown>; mitigation: string[] }> }>;
  requests: { api: number; other: number };
}

export function parseDiagnosis(stdout: string): JsonDiagnosis {
  return JSON.parse(stdout) as JsonDiagnosis;
}

export function codes(d: JsonDiagnosis, id = 'RB-001'): string[] {
  return d.runbooks.find((r) => r.id === id)?.findings.map((f) => f.code) ?? [];
}
