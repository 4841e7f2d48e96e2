// `mx-runbook webhook replay`: failed webhooks back to the queue (or failed
// Bull/BullMQ jobs back to wait). A dry run unless --yes: during an incident
// the first run should show what would happen and change nothing.
import { EXIT } from '../../../cli/exit-codes.js';
import type { Deps } from '../../../cli/deps.js';
import { loadConfig, type ConfigFlags } from '../../../core/config.js';
import { UsageError } from '../../../core/errors.js';
import { thousands } from '../../../core/format.js';
import { passwordOfUrl } from '../../../core/redact.js';
import { closeRedis, connectRedis } from '../../../redis/connect.js';
import { palette } from '../../../render/style.js';
import {
  DEFAULT_BULL_PREFIX,
  parseBatchSize,
  parseLimit,
  parseMoveMode,
  replayBullQueue,
  replayList,
  type QueueLibrary,
  type ReplayOutcome,
  type ReplayResult,
} from '../../../webhooks/replay.js';

export interface WebhookReplayOptions extends ConfigFlags {
  queueKey?: string;
  failedKey?: string;
  bull?: string;
  bullPrefix?: string;
  json?: boolean;
  yes?: boolean;
  limit?: string;
  color?: boolean;
}

/** What the run was pointed at, for the messages. */
type Target = { kind: 'list'; queueKey: string; failedKey: string } | { kind: 'bull'; name: string; prefix: string; library?: QueueLibrary };

export async function runWebhookReplay(opts: WebhookReplayOptions, deps: Deps): Promise<number> {
  const config = await loadConfig(opts, deps.env, deps.cwd, (m) => deps.io.err(`warning: ${m}\n`));
  const url = config.redisUrl;
  if (!url) throw new UsageError('webhook replay needs the Redis that holds the queue: pass --redis-url redis://host:6379 or set REDIS_URL');
  deps.io.redactor.add(passwordOfUrl(url));
  const limit = parseLimit(opts.limit);
  const batchSize = parseBatchSize(deps.env['MX_RUNBOOK_REPLAY_BATCH']);
  const mode = parseMoveMode(deps.env['MX_RUNBOOK_REPLAY_MODE']);
  // The provider's keys by default (maintainx:webhook:* or flexport:webhook:*), or the config file's.
  const queueKey = nonEmpty('--queue-key', opts.queueKey) ?? config.queue.queueKey;
  const failedKey = nonEmpty('--failed-key', opts.failedKey) ?? config.queue.failedKey;
  const bullName = nonEmpty('--bull', opts.bull);
  const bullPrefix = nonEmpty('--bull-prefix', opts.bullPrefix) ?? DEFAULT_BULL_PREFIX;
  const yes = opts.yes === true;

  const client = await connectRedis(url, { timeoutMs: config.timeoutMs, readOnly: !yes });
  let outcome: ReplayOutcome;
  let target: Target;
  try {
    if (bullName !== undefined) {
      // --bull names the queue to replay; the plain lists are left alone (a write goes only where it was pointed).
      const r = await replayBullQueue(client, { prefix: bullPrefix, name: bullName, yes, limit, signal: deps.signal });
      outcome = r;
      target = { kind: 'bull', name: bullName, prefix: bullPrefix, library: r.library };
    } else {
      outcome = await replayList(client, { queueKey, failedKey, yes, limit, batchSize, mode, signal: deps.signal });
      target = { kind: 'list', queueKey, failedKey };
    }
  } finally {
    await closeRedis(client);
  }

  if (opts.json) deps.io.out(`${JSON.stringify(jsonResult(outcome))}\n`);
  else deps.io.out(renderReplay(outcome, target, opts.color !== false && deps.io.color));
  if (outcome.interrupted) {
    deps.io.err('mx-runbook: interrupted; every entry is in exactly one place, re-run to continue\n');
    return EXIT.interrupted;
  }
  return EXIT.ok;
}

function nonEmpty(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '') throw new UsageError(`${flag}: expected a non-empty value`);
  return v;
}

/** `--json`: exactly { dryRun, moved, remaining }, plus wouldMove on a dry run. */
export function jsonResult(o: ReplayOutcome): ReplayResult {
  return o.dryRun ? { dryRun: true, moved: 0, remaining: o.remaining, wouldMove: o.wouldMove ?? 0 } : { dryRun: false, moved: o.moved, remaining: o.remaining };
}

export function renderReplay(o: ReplayOutcome, t: Target, color: boolean): string {
  const p = palette(color);
  const lines: string[] = [];
  const n = thousands(o.wouldMove ?? 0);
  const m = thousands(o.total);
  if (t.kind === 'list') {
    if (o.dryRun) {
      const rerun = o.wouldMove ? ' Re-run with --yes to move them.' : '';
      lines.push(`${p.bold('DRY RUN')}: would move ${n} of ${m} failed webhooks from ${t.failedKey} to ${t.queueKey}; nothing changed.${rerun}`);
    } else {
      lines.push(`moved ${thousands(o.moved)}; ${thousands(o.remaining)} remain in ${t.failedKey}`);
    }
  } else {
    const queue = `${t.library === 'bullmq' ? 'BullMQ' : 'Bull'} queue "${t.name}" (prefix ${t.prefix})`;
    if (o.dryRun) {
      const rerun = o.wouldMove ? ' Re-run with --yes to retry them.' : '';
      lines.push(`${p.bold('DRY RUN')}: would retry ${n} of ${m} failed jobs in ${queue}; nothing changed.${rerun}`);
    } else {
      lines.push(`moved ${thousands(o.moved)} back to wait; ${thousands(o.remaining)} remain failed in ${queue}`);
    }
  }
  if (o.sample.length) {
    const what = t.kind === 'list' ? 'oldest failure first, each to the back of the queue' : 'oldest failure first, via the library\'s own retry';
    lines.push(p.dim(`${o.dryRun ? 'First to move' : 'First moved'} (${what}):`));
    o.sample.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
  }
  return `${lines.join('\n')}\n`;
}
