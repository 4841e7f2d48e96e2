// --since parsing and the timestamps each log format carries.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseClfTime, parseJsonTime, parseSince } from '../../src/logs/since.js';

const NOW = Date.parse('2026-12-01T10:00:00Z');

describe('parseSince', () => {
  it('durations count back from now', () => {
    expect(parseSince('15m', NOW)).toBe(NOW - 15 * 60_000);
    expect(parseSince('2h', NOW)).toBe(NOW - 2 * 3_600_000);
    expect(parseSince('1d', NOW)).toBe(NOW - 86_400_000);
    expect(parseSince('90s', NOW)).toBe(NOW - 90_000);
    expect(parseSince('1w', NOW)).toBe(NOW - 604_800_000);
    expect(parseSince('1.5h', NOW)).toBe(NOW - 5_400_000);
    expect(parseSince(' 15M ', NOW)).toBe(NOW - 15 * 60_000);
  });
  it('ISO times are absolute', () => {
    expect(parseSince('2026-12-01T09:30:00Z', NOW)).toBe(Date.parse('2026-12-01T09:30:00Z'));
    expect(parseSince('2026-12-01T09:30:00+02:00', NOW)).toBe(Date.parse('2026-12-01T07:30:00Z'));
    expect(parseSince('2026-12-01', NOW)).toBe(Date.parse('2026-12-01T00:00:00Z'));
  });
  it('anything else is a usage error', () => {
    for (const bad of ['', '15', 'm', '15 minutes', '-5m', 'yesterday', 'Dec 1 2026', '2026-13-45']) expect(() => parseSince(bad, NOW)).toThrow(UsageError);
  });
});

describe('parseJsonTime', () => {
  it('epoch milliseconds (pino)', () => expect(parseJsonTime('1764583200000', true)).toBe(1764583200000));
  it('epoch seconds, with or without a fraction', () => {
    expect(parseJsonTime('1764583200', true)).toBe(1764583200000);
    expect(parseJsonTime('1764583200.5', true)).toBe(1764583200500);
  });
  it('ISO strings (bunyan, winston)', () => {
    expect(parseJsonTime('2026-12-01T10:00:00.000Z', false)).toBe(NOW);
    expect(parseJsonTime('2026-12-01T12:00:00+02:00', false)).toBe(NOW);
  });
  it('unparsable values are no time', () => {
    expect(parseJsonTime('soon', false)).toBeUndefined();
    expect(parseJsonTime('1e400', true)).toBeUndefined();
  });
});

describe('parseClfTime', () => {
  it('applies the offset', () => {
    expect(parseClfTime('10/Oct/2026:13:55:36 -0700')).toBe(Date.parse('2026-10-10T20:55:36Z'));
    expect(parseClfTime('10/Oct/2026:22:55:36 +0200')).toBe(Date.parse('2026-10-10T20:55:36Z'));
    expect(parseClfTime('10/Oct/2026:20:55:36 +0000')).toBe(Date.parse('2026-10-10T20:55:36Z'));
    expect(parseClfTime('01/Dec/2026:15:30:00 +0530')).toBe(NOW);
  });
  it('a time without an offset is UTC', () => expect(parseClfTime('01/Dec/2026:10:00:00')).toBe(NOW));
  it('every month', () => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    months.forEach((m, i) => expect(parseClfTime(`01/${m}/2026:00:00:00 +0000`)).toBe(Date.UTC(2026, i, 1)));
  });
  it('not CLF times', () => {
    for (const bad of ['', '-', '10/Foo/2026:13:55:36 -0700', '10/oct/2026:13:55:36 -0700', '2026-10-10T13:55:36Z', '1/Oct/2026:13:55:36 -0700', '10/Oct/2026 13:55:36 -0700']) expect(parseClfTime(bad)).toBeUndefined();
  });
});
