// The pure half of `webhook replay`: counts, batches, flags, the Redis
// Cluster slot check and INFO parsing, the JSON shape and the messages.
import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { jsonResult, renderReplay } from '../../src/commands/webhook/replay/run.js';
import { UsageError } from '../../src/core/errors.js';
import {
  asRedisFailure,
  batchSizes,
  checkSameSlot,
  clusterEnabledFromInfo,
  libraryFromKeys,
  parseBatchSize,
  parseLimit,
  parseMoveMode,
  previewEntry,
  replayCount,
  type ReplayOutcome,
} from '../../src/webhooks/replay.js';

const keys = (queue: string, failed: string) => [
  { flag: '--queue-key', key: queue },
  { flag: '--failed-key', key: failed },
];

describe('checkSameSlot (Redis Cluster)', () => {
  it('refuses keys in different slots and names hash tags as the fix', () => {
    expect(calculateSlot('maintainx:webhook:queue')).not.toBe(calculateSlot('maintainx:webhook:failed'));
    let err: unknown;
    try {
      checkSameSlot(keys('maintainx:webhook:queue', 'maintainx:webhook:failed'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const msg = (err as Error).message;
    expect(msg).toContain('hash tag');
    expect(msg).toContain("--queue-key '{maintainx}:webhook:queue' --failed-key '{maintainx}:webhook:failed'");
    expect(msg).toContain(`slot ${calculateSlot('maintainx:webhook:queue')}`);
    expect(msg).toContain('nothing was moved');
    expect(msg).not.toContain('\n');
  });

  it('suggests one common tag even when the keys start differently', () => {
    expect(() => checkSameSlot(keys('jobs:in', 'dead:letters'))).toThrow("--queue-key '{jobs}:in' --failed-key '{jobs}:dead:letters'");
    // The suggestion it gives really shares a slot.
    expect(calculateSlot('{jobs}:in')).toBe(calculateSlot('{jobs}:dead:letters'));
  });

  it.each([
    ['{maintainx}:webhook:queue', '{maintainx}:webhook:failed'],
    ['{wh}q', '{wh}f'],
    ['same', 'same'],
  ])('accepts %s and %s (one slot)', (a, b) => {
    expect(() => checkSameSlot(keys(a, b))).not.toThrow();
  });

  it('uses the fix it is given (Bull prefixes)', () => {
    expect(() => checkSameSlot(keys('bull:q:failed', 'bull:q:wait'), "use --bull-prefix '{bull}'")).toThrow("use --bull-prefix '{bull}'");
    expect(() => checkSameSlot(keys('{bull}:q:failed', '{bull}:q:wait'))).not.toThrow();
  });
});

describe('clusterEnabledFromInfo', () => {
  it.each([
    ['# Cluster\r\ncluster_enabled:1\r\n', true],
    ['# Cluster\r\ncluster_enabled:0\r\n', false],
    ['# Cluster\ncluster_enabled:1', true],
    ['', false],
    ['# Server\r\nredis_version:7.0.15\r\n', false],
  ])('%j → %s', (info, want) => {
    expect(clusterEnabledFromInfo(info)).toBe(want);
  });
});

describe('counts, batches and flags', () => {
  it.each([
    [10, undefined, 10],
    [10, 3, 3],
    [3, 10, 3],
    [0, 5, 0],
  ])('replayCount(%s, limit %s) = %s', (failed, limit, want) => {
    expect(replayCount(failed, limit)).toBe(want);
  });

  it('splits moves into rounds of the batch size', () => {
    expect(batchSizes(0, 1000)).toEqual([]);
    expect(batchSizes(2500, 1000)).toEqual([1000, 1000, 500]);
    expect(batchSizes(3, 1)).toEqual([1, 1, 1]);
    expect(batchSizes(100_000, 1000)).toHaveLength(100);
  });

  it.each(['0', '-1', 'abc', '1.5', '', ' ', '1e3', '99999999999999999999'])('--limit %j is a usage error', (v) => {
    expect(() => parseLimit(v)).toThrow(UsageError);
    expect(() => parseLimit(v)).toThrow('--limit: expected a positive integer');
  });

  it('--limit accepts positive integers', () => {
    expect(parseLimit(undefined)).toBeUndefined();
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('250')).toBe(250);
  });

  it('MX_RUNBOOK_REPLAY_BATCH defaults to 1000 and is checked', () => {
    expect(parseBatchSize(undefined)).toBe(1000);
    expect(parseBatchSize('')).toBe(1000);
    expect(parseBatchSize('7')).toBe(7);
    expect(() => parseBatchSize('0')).toThrow(UsageError);
    expect(() => parseBatchSize('x')).toThrow('MX_RUNBOOK_REPLAY_BATCH');
  });
});

describe('parseMoveMode (env MX_RUNBOOK_REPLAY_MODE)', () => {
  it('defaults to the script and accepts lmove', () => {
    expect(parseMoveMode(undefined)).toBe('script');
    expect(parseMoveMode('')).toBe('script');
    expect(parseMoveMode('lmove')).toBe('lmove');
    expect(() => parseMoveMode('fast')).toThrow(UsageError);
  });
});

describe('libraryFromKeys', () => {
  it.each([
    [{ 'opts.maxLenEvents': '10000', version: 'bullmq:6.7.0' }, true, 'bullmq'],
    [{ version: 'bullmq:5.1.0' }, false, 'bullmq'],
    [{}, true, 'bull'],
    // Bull 4 writes meta only when paused, "for forward compatibility".
    [{ paused: '1' }, true, 'bull'],
    [{}, false, undefined],
  ] as const)('%j, job keys %s → %s', (meta, bullKeys, want) => {
    expect(libraryFromKeys({ ...meta }, bullKeys)).toBe(want);
  });
});

describe('previewEntry and error mapping', () => {
  it('keeps an entry on one short line', () => {
    expect(previewEntry('a\nb\tc\u0001')).toBe('a\\nb\\tc\\x01');
    expect(previewEntry('x'.repeat(300))).toHaveLength(120);
    expect(previewEntry('x'.repeat(300)).endsWith('…')).toBe(true);
  });

  it('maps Redis error replies to a one-line tool error, and leaves bugs alone', () => {
    const reply = Object.assign(new Error("NOPERM this user has no permissions to run the 'lmove' command"), { name: 'ReplyError' });
    const mapped = asRedisFailure(reply, 'nothing was moved') as Error;
    expect(mapped.name).toBe('ToolError');
    expect(mapped.message).toBe(`Redis answered "NOPERM this user has no permissions to run the 'lmove' command" (nothing was moved)`);
    const bug = new TypeError('x is undefined');
    expect(asRedisFailure(bug, '')).toBe(bug);
  });
});

describe('output', () => {
  const base: ReplayOutcome = { dryRun: true, moved: 0, wouldMove: 2, remaining: 2, total: 2, sample: ['b', 'a'], interrupted: false };
  const list = { kind: 'list', queueKey: 'q', failedKey: 'f' } as const;

  it('--json is exactly { dryRun, moved, remaining } (+ wouldMove on a dry run)', () => {
    expect(jsonResult(base)).toStrictEqual({ dryRun: true, moved: 0, remaining: 2, wouldMove: 2 });
    expect(jsonResult({ ...base, dryRun: false, moved: 2, remaining: 0, wouldMove: undefined })).toStrictEqual({ dryRun: false, moved: 2, remaining: 0 });
  });

  it('a dry run says what would move and that nothing changed', () => {
    expect(renderReplay(base, list, false)).toMatchInlineSnapshot(`
      "DRY RUN: would move 2 of 2 failed webhooks from f to q; nothing changed. Re-run with --yes to move them.
      First to move (oldest failure first, each to the back of the queue):
        1. b
        2. a
      "
    `);
  });

  it('a real run says how many moved and how many remain', () => {
    expect(renderReplay({ ...base, dryRun: false, moved: 1234, remaining: 5, total: 1239, sample: [] }, list, false)).toBe('moved 1,234; 5 remain in f\n');
    expect(renderReplay({ ...base, dryRun: false, moved: 3, remaining: 0, sample: [] }, { kind: 'bull', name: 'mail', prefix: 'bull', library: 'bullmq' }, false)).toBe(
      'moved 3 back to wait; 0 remain failed in BullMQ queue "mail" (prefix bull)\n',
    );
  });
});
