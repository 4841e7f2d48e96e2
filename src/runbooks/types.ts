import type { Readable } from 'node:stream';
import type { Config } from '../core/config.js';
import type { Check, RequestCount, RunbookId, UnratedFinding } from '../core/types.js';

/** Live progress for the spinners; a no-op when nobody watches. */
export interface Progress {
  start(checkId: string, label: string): void;
  end(checkId: string, ok: boolean, summary: string): void;
}

export const silentProgress: Progress = { start() {}, end() {} };

export type Inputs<I> = { ok: true; input: I } | { ok: false; reason: string; flag: string };

export interface RunContext {
  config: Config;
  signal: AbortSignal;
  progress: Progress;
  /** For `--log -`. */
  stdin: Readable;
  now: () => number;
}

export interface RunbookOutput {
  checks: Check[];
  findings: UnratedFinding[];
  requests: RequestCount;
}

export interface Runbook<I = unknown> {
  id: RunbookId;
  title: string;
  /** False until the runbook's own issue lands: shown as skipped. */
  implemented: boolean;
  /** What it needs from config; a miss names the flag to pass. */
  inputs(config: Config): Inputs<I>;
  /** How long it may take; default: every phase could use its timeout (3 × timeout + 1 s). */
  deadlineMs?(input: I, config: Config): number;
  run(input: I, ctx: RunContext): Promise<RunbookOutput>;
}
