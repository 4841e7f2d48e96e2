// Colour as data: renderers stay pure (Diagnosis → string) and take a palette.
import { Chalk } from 'chalk';
import type { Severity, Status } from '../core/types.js';

export interface Palette {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
  severity(s: Severity, text?: string): string;
  status(s: Status, text?: string): string;
}

export function palette(color: boolean): Palette {
  const c = new Chalk({ level: color ? 1 : 0 });
  const sev = (s: Severity, t: string = s) =>
    s === 'SEV1' ? c.bgRed.white.bold(t) : s === 'SEV2' ? c.red.bold(t) : s === 'SEV3' ? c.yellow(t) : s === 'SEV4' ? c.cyan(t) : c.green(t);
  const st = (s: Status, t: string = s) =>
    s === 'ok' ? c.green(t) : s === 'warn' ? c.yellow(t) : s === 'fail' ? c.red(t) : s === 'error' ? c.magenta(t) : c.dim(t);
  return { bold: c.bold, dim: c.dim, red: c.red, yellow: c.yellow, green: c.green, cyan: c.cyan, severity: sev, status: st };
}

export const STATUS_MARK: Record<Status, string> = { ok: '✔', warn: '!', fail: '✖', error: '✖', skipped: '–' };

export const SEVERITY_MEANING: Record<Severity, string> = {
  SEV1: 'complete outage',
  SEV2: 'major degradation',
  SEV3: 'minor degradation',
  SEV4: 'informational',
  NONE: 'healthy: nothing found',
};

export function ms(n: number): string {
  if (n >= 10_000) return `${(n / 1000).toFixed(1)} s`;
  return `${Math.round(n)} ms`;
}
