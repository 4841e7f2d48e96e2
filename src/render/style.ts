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

/** `label` names severities the provider's way (P2 for Flexport); default SEV2. */
export function palette(color: boolean, label: (s: Severity) => string = (s) => s): Palette {
  const c = new Chalk({ level: color ? 1 : 0 });
  const sev = (s: Severity, t: string = label(s)) =>
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

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
export const visibleLength = (s: string): number => s.replace(ANSI, '').length;

/**
 * Word-wraps `text` to `width` columns; continuation lines get `hang` spaces
 * so a wrapped bullet still reads as one item. Colour codes take no width.
 */
export function wrap(text: string, width: number, first: string, hang: number): string[] {
  const lines: string[] = [];
  let line = first;
  let lineLen = visibleLength(first);
  let fresh = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const len = visibleLength(word);
    if (!fresh && lineLen + 1 + len > width) {
      lines.push(line);
      line = ' '.repeat(hang) + word;
      lineLen = hang + len;
    } else {
      line += (fresh ? '' : ' ') + word;
      lineLen += (fresh ? 0 : 1) + len;
    }
    fresh = false;
  }
  lines.push(line);
  return lines;
}
