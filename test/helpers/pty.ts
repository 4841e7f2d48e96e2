// A command under a real pseudo-terminal, driven like a person at a keyboard.
// node-pty is not a dependency; python3's standard `pty` module is the pty
// provider (test/helpers/pty-driver.py forks the command on a pty, relays its
// output here and types what we write to it).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DRIVER = fileURLToPath(new URL('./pty-driver.py', import.meta.url));

export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  enter: '\r',
  tab: '\t',
  backspace: '\x7f',
  ctrlC: '\x03',
  ctrlU: '\x15',
} as const;

export interface PtyOptions {
  cwd: string;
  /** The complete environment (not merged with process.env). */
  env: Record<string, string>;
  cols?: number;
  rows?: number;
}

export interface PtyExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface PtySession {
  /** Everything the terminal showed so far, raw (escape sequences included). */
  raw(): string;
  /** The same with escape sequences removed: roughly what a person read. */
  text(from?: number): string;
  /** Offset into raw() to wait or look "from now on". */
  mark(): number;
  /** Type into the terminal. */
  write(data: string): void;
  /** Resolves once text(from) matches; rejects after timeoutMs or when the command exits first. */
  waitFor(pattern: string | RegExp, opts?: { from?: number; timeoutMs?: number }): Promise<string>;
  /** Resolves when the command has exited (the driver reports its code). */
  exited: Promise<PtyExit>;
  /** Kills the command (and its process group) if it still runs; idempotent. */
  kill(): void;
}

// CSI (incl. private modes like ?25l), OSC, other two-byte ESC sequences, and stray CRs.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\r/g;
export const stripAnsi = (s: string): string => s.replace(ANSI, '');

export function spawnPty(command: string, args: string[], opts: PtyOptions): PtySession {
  const child: ChildProcessWithoutNullStreams = spawn(
    'python3',
    [DRIVER, '--cols', String(opts.cols ?? 100), '--rows', String(opts.rows ?? 40), '--', command, ...args],
    { cwd: opts.cwd, env: opts.env, stdio: 'pipe' },
  );
  let out = '';
  let driverErr = '';
  let done: PtyExit | undefined;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (s: string) => {
    out += s;
    notify();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (driverErr += s));
  // EPIPE when typing into an exited command is not a test failure by itself.
  child.stdin.on('error', () => {});
  const exited = new Promise<PtyExit>((resolve) => {
    child.on('close', (code, signal) => {
      done = { code, signal };
      resolve(done);
      notify();
    });
  });

  const text = (from = 0) => stripAnsi(out.slice(from));
  return {
    raw: () => out,
    text,
    mark: () => out.length,
    write: (data) => {
      if (!done) child.stdin.write(data);
    },
    waitFor(pattern, { from = 0, timeoutMs = 5000 } = {}) {
      const test = (s: string) => (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s));
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const t = text(from);
          if (test(t)) return finish(() => resolve(t));
          if (done) return finish(() => reject(new Error(`exited (${JSON.stringify(done)}) before ${String(pattern)} appeared; screen:\n${t}${driverErr ? `\ndriver: ${driverErr}` : ''}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; screen:\n${text(from)}`))), timeoutMs);
        const finish = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      });
    },
    exited,
    kill: () => {
      // The driver kills the command's process group on SIGTERM.
      if (!done && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/** Resolves with the exit, or rejects after timeoutMs (the caller kills). */
export function withTimeout<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no exit within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]);
}
