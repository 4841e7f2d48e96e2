// `mx-runbook webhook inspect`: what the webhook queue in Redis holds right
// now — pending depth, failed entries (a sample, parsed), Bull/BullMQ counts
// and failure reasons. Read-only; an unreachable Redis is one line and exit 3.
import type { Redis } from 'ioredis';
import { EXIT } from '../../../cli/exit-codes.js';
import type { Deps } from '../../../cli/deps.js';
import { loadConfig, type ConfigFlags } from '../../../core/config.js';
import { CancelledError, UsageError } from '../../../core/errors.js';
import { thousands } from '../../../core/format.js';
import { passwordOfUrl } from '../../../core/redact.js';
import { closeRedis, connectRedis, RedisUnreachable, safeRedisUrl } from '../../../redis/connect.js';
import { palette, type Palette } from '../../../render/style.js';
import { truncate } from '../../../webhooks/failed-entry.js';
import {
  DEFAULT_BULL_PREFIX,
  inspectQueues,
  type BullInfo,
  type FailedEntry,
  type InspectResult,
} from '../../../webhooks/inspect.js';

export interface WebhookInspectOptions extends ConfigFlags {
  queueKey?: string;
  failedKey?: string;
  bull?: string;
  bullPrefix?: string;
  json?: boolean;
  color?: boolean;
}

export async function runWebhookInspect(opts: WebhookInspectOptions, deps: Deps): Promise<number> {
  const config = await loadConfig(opts, deps.env, deps.cwd, (m) => deps.io.err(`warning: ${m}\n`));
  const url = config.redisUrl;
  if (!url) throw new UsageError('webhook inspect needs the Redis that holds the queue: pass --redis-url redis://host:6379 or set REDIS_URL');
  deps.io.redactor.add(passwordOfUrl(url));
  const keys = {
    // The provider's keys by default (maintainx:webhook:* or flexport:webhook:*), or the config file's.
    queueKey: key('--queue-key', opts.queueKey) ?? config.queue.queueKey,
    failedKey: key('--failed-key', opts.failedKey) ?? config.queue.failedKey,
    bull: key('--bull', opts.bull),
    bullPrefix: key('--bull-prefix', opts.bullPrefix) ?? DEFAULT_BULL_PREFIX,
  };

  let client: Redis | undefined;
  const onAbort = () => client?.disconnect();
  deps.signal.addEventListener('abort', onAbort, { once: true });
  try {
    client = await connectRedis(url, { timeoutMs: config.timeoutMs, readOnly: true });
    const result = await inspectQueues(client, { ...keys, now: deps.now() });
    if (opts.json) deps.io.out(`${JSON.stringify(result, null, 2)}\n`);
    else deps.io.out(renderInspect(result, { color: opts.color !== false && deps.io.color, redis: safeRedisUrl(url), columns: deps.io.columns }));
    return EXIT.ok;
  } catch (err) {
    if (deps.signal.aborted) throw new CancelledError();
    // No findings model here: an unreachable Redis means the check could not be done.
    if (err instanceof RedisUnreachable) {
      deps.io.err(`mx-runbook: ${err.message}\n`);
      return EXIT.tool;
    }
    throw err;
  } finally {
    deps.signal.removeEventListener('abort', onAbort);
    await closeRedis(client);
  }
}

function key(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v.trim() === '') throw new UsageError(`${flag}: expected a non-empty key name`);
  return v;
}

export interface RenderOptions {
  color: boolean;
  redis: string;
  columns?: number;
}

export function renderInspect(r: InspectResult, o: RenderOptions): string {
  const p = palette(o.color);
  const width = Math.max(70, Math.min(o.columns ?? 100, 160));
  const keyW = Math.max(r.queue.key.length, r.failed.key.length);
  const note = (s: string | undefined) => (s ? `  ${p.yellow(`(${s})`)}` : '');
  const lines = [
    `${p.bold('Webhook queue')} ${p.dim(`at ${o.redis} (read-only)`)}`,
    `  pending  ${clean(r.queue.key).padEnd(keyW)}  ${depthText(r.queue.depth, p)}${note(r.queue.note)}`,
    `  failed   ${clean(r.failed.key).padEnd(keyW)}  ${r.failed.count ? p.red(thousands(r.failed.count)) : p.green('0')}${note(r.failed.note)}`,
  ];
  if (r.failed.sample.length) {
    const shown = r.failed.sample.length < r.failed.count ? `the first ${r.failed.sample.length} of ${thousands(r.failed.count)}` : `all ${r.failed.sample.length}`;
    lines.push('', `${p.bold('Failed entries')} ${p.dim(`(${shown})`)}`, ...sampleTable(r.failed.sample, width, p));
  }
  if (r.bull) lines.push('', ...bullBlock(r.bull, p));
  return `${lines.join('\n')}\n`;
}

function depthText(n: number, p: Palette): string {
  return n === 0 ? p.green('0') : thousands(n);
}

function sampleTable(rows: FailedEntry[], width: number, p: Palette): string[] {
  const cells = rows.map((e) => ({
    i: String(e.index),
    id: fit(e.id ?? (e.workOrderId ? `work order ${e.workOrderId}` : '—'), 28),
    type: fit(e.json ? (e.type ? `${e.type}${e.typeInferred ? '*' : ''}` : 'unknown') : 'not JSON', 30),
    age: e.ageMs === undefined ? '—' : ago(e.ageMs),
    err: e.json ? (e.error ?? '—') : (e.raw ?? ''),
  }));
  const w = (k: 'i' | 'id' | 'type' | 'age', head: string) => Math.max(head.length, ...cells.map((c) => c[k].length));
  const [iW, idW, typeW, ageW] = [w('i', '#'), w('id', 'id'), w('type', 'type'), w('age', 'age')];
  const errW = Math.max(20, width - (2 + iW + idW + typeW + ageW + 8));
  const line = (c: { i: string; id: string; type: string; age: string; err: string }) =>
    `  ${c.i.padStart(iW)}  ${c.id.padEnd(idW)}  ${c.type.padEnd(typeW)}  ${c.age.padStart(ageW)}  ${c.err}`.trimEnd();
  const out = [p.dim(line({ i: '#', id: 'id', type: 'type', age: 'age', err: 'error' }))];
  for (const c of cells) out.push(line({ ...c, err: fit(c.err, errW) }));
  if (rows.some((e) => e.typeInferred)) out.push(p.dim("  * inferred from the payload's fields: MaintainX bodies name no event type"));
  return out;
}

function bullBlock(b: BullInfo, p: Palette): string[] {
  const flavour = b.flavour === 'bullmq' ? 'BullMQ' : b.flavour === 'bull' ? 'Bull 4' : 'Bull/BullMQ (layout not recognised)';
  const version = b.version ? ` ${b.version.replace(/^bullmq:/, '')}` : '';
  const c = b.counts;
  const cells: Array<[string, number, boolean]> = [
    ['wait', c.wait, false],
    ['active', c.active, false],
    ['paused', c.paused, c.paused > 0],
    ['delayed', c.delayed, false],
    ['prioritized', c.prioritized, false],
    ['failed', c.failed, c.failed > 0],
    ['completed', c.completed, false],
  ];
  if (c.waitingChildren) cells.push(['waiting-children', c.waitingChildren, false]);
  const lines = [
    `${p.bold(`Bull queue ${clean(b.name)}`)} ${p.dim(`(${flavour}${version}, keys ${clean(b.prefix)}:${clean(b.name)}:*)`)}${b.isPaused ? `  ${p.yellow('PAUSED')}` : ''}`,
    `  ${cells.map(([k, v, bad]) => `${k} ${bad ? p.red(thousands(v)) : thousands(v)}`).join('   ')}`,
  ];
  if (b.failedReasons.length) {
    lines.push(`  ${p.bold('Failed reasons')} ${p.dim(`(the ${thousands(b.failedReasonsFrom)} most recent failed jobs)`)}`);
    const w = Math.max(...b.failedReasons.map((x) => thousands(x.count).length));
    for (const x of b.failedReasons.slice(0, 10)) lines.push(`    ${thousands(x.count).padStart(w)}  ${clean(x.reason)}`);
    if (b.failedReasons.length > 10) lines.push(p.dim(`    … and ${b.failedReasons.length - 10} other reasons (see --json)`));
  }
  for (const n of b.notes) lines.push(`  ${p.yellow(`note: ${n}`)}`);
  return lines;
}

/** Stored text must not drive the terminal: control characters are shown escaped. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => JSON.stringify(ch).slice(1, -1));
}

function fit(s: string, w: number): string {
  return truncate(clean(s), w);
}

export function ago(ms: number): string {
  if (ms < 0) return 'future';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
