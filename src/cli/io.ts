// The IOStreams object (after gh's pkg/iostreams): every command writes
// through it, never to process.* directly. Each write passes the Redactor, so
// a secret cannot reach a terminal, a pipe or a CI log by any path.
// node:stream is loaded by Node itself for process.stdout: no start-up cost.
import { Readable } from 'node:stream';
import { Redactor } from '../core/redact.js';

export interface Sink {
  write(chunk: string): unknown;
}

export interface IO {
  /** Data only (tables, JSON). */
  out: (text: string) => void;
  /** Messages, warnings, spinners. */
  err: (text: string) => void;
  stdin: Readable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Colour on stdout, per NO_COLOR / FORCE_COLOR / TTY (and --no-color). */
  color: boolean;
  colorErr: boolean;
  columns: number;
  redactor: Redactor;
  /** The raw stderr stream, for ora (which needs a real TTY stream). */
  stderrStream?: NodeJS.WriteStream;
}

export interface IOInit {
  stdout: Sink;
  stderr: Sink;
  stdin: Readable;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  columns?: number;
  env: Record<string, string | undefined>;
  redactor: Redactor;
  stderrStream?: NodeJS.WriteStream;
}

export function colorWanted(isTTY: boolean, env: Record<string, string | undefined>): boolean {
  // https://no-color.org: any non-empty NO_COLOR disables; FORCE_COLOR=0 too.
  if (env['NO_COLOR']) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env['TERM'] === 'dumb') return false;
  return isTTY;
}

export function createIO(init: IOInit): IO {
  const r = init.redactor;
  const stdoutIsTTY = init.stdoutIsTTY ?? false;
  const stderrIsTTY = init.stderrIsTTY ?? false;
  return {
    out: (t) => void init.stdout.write(r.redact(t)),
    err: (t) => void init.stderr.write(r.redact(t)),
    stdin: init.stdin,
    stdinIsTTY: init.stdinIsTTY ?? false,
    stdoutIsTTY,
    stderrIsTTY,
    color: colorWanted(stdoutIsTTY, init.env),
    colorErr: colorWanted(stderrIsTTY, init.env),
    columns: init.columns ?? 100,
    redactor: r,
    stderrStream: init.stderrStream,
  };
}

/** An IO that captures everything, for tests. */
export function captureIO(opts: { env?: Record<string, string | undefined>; secrets?: string[]; stdin?: Readable; tty?: boolean } = {}): IO & { stdout(): string; stderr(): string } {
  let o = '';
  let e = '';
  const io = createIO({
    stdout: { write: (s: string) => (o += s) },
    stderr: { write: (s: string) => (e += s) },
    stdin: opts.stdin ?? emptyStdin(),
    stdinIsTTY: opts.tty ?? false,
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: opts.tty ?? false,
    env: opts.env ?? { NO_COLOR: '1' },
    redactor: new Redactor(opts.secrets ?? []),
  });
  return Object.assign(io, { stdout: () => o, stderr: () => e });
}

function emptyStdin(): Readable {
  return Readable.from([]);
}
