// Receiver conformance (RB-003, `webhook test`): send signed test deliveries
// to a receiver and judge its answers. probeConformance does the I/O and
// records what came back; analyseConformance (pure) turns that into checks
// and findings with their numbers.
//
// The plan, at most 6 requests (each POST bounded by min(--timeout, 10 s),
// MaintainX's delivery timeout, and 10 s when --timeout is not given):
//   1. concurrently: a valid NEW_WORK_ORDER delivery and a valid
//      WORK_ORDER_STATUS_CHANGE one (both must get 2xx; > 5 s is slow);
//   2. when the first was accepted, concurrently: the same kind of delivery
//      with its body changed after signing, one without signature headers,
//      one correctly signed 10 minutes ago (timestamped schemes only) — all
//      three must be refused — and a byte-for-byte duplicate of (1), which
//      must be accepted (2xx, or 409 "already have it": an idempotent
//      receiver may say so, and MaintainX may redeliver after a timeout);
//   3. when (1) was refused, the valid delivery again in each other scheme,
//      one at a time, until one is accepted: that tells a receiver built
//      from an old guide (legacy headers) from one with the wrong secret.
import { performance } from 'node:perf_hooks';
import { Agent, request, type Dispatcher } from 'undici';
import { CancelledError, errorCode, errorMessage, rootCause } from '../core/errors.js';
import { exchangeDeadline } from '../net/timing.js';
import type { UnratedFinding } from '../core/types.js';
import type { Progress } from '../runbooks/types.js';
import { createEventFactory, tamperBody, type TestEvent, type TestEventType } from './events.js';
import { DEFAULT_SCHEME, SCHEME_INFO, signDelivery, type Scheme } from './signing.js';

/** MaintainX gives up on a delivery after 10 s. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Above this an accepted delivery is reported slow: half the budget gone. */
export const SLOW_MS = 5_000;
/** How old the stale delivery is: twice the recommended 5-minute tolerance. */
export const STALE_AGE_S = 600;

export const CHECK_IDS = ['valid', 'status-change', 'tampered', 'unsigned', 'stale', 'duplicate'] as const;
export type ConformanceCheckId = (typeof CHECK_IDS)[number];

/** Seed 001 and 002 receivers: accepting only these means real deliveries fail. */
const LEGACY: readonly Scheme[] = ['legacy-timestamped', 'legacy-body'];

export interface ConformanceInput {
  url: string;
  secret: string;
  scheme?: Scheme;
  /** Bound per request; capped at 10 s (MaintainX's delivery timeout), which is also the default. */
  timeoutMs?: number;
  /** Ctrl-C: in-flight requests are aborted and a CancelledError is thrown. */
  signal?: AbortSignal;
  /** Wall clock in ms, for signature timestamps (default Date.now). */
  now?: () => number;
  orgId?: number;
  seed?: number;
  progress?: Progress;
  /** An undici dispatcher to use (not closed here); default a private Agent, destroyed at the end. */
  dispatcher?: Dispatcher;
}

export interface ResponseOutcome {
  kind: 'response';
  status: number;
  ms: number;
  /** The start of the answer's body, whitespace collapsed. */
  snippet: string;
  location?: string;
}
export interface ErrorOutcome {
  kind: 'error';
  /** ECONNREFUSED, ENOTFOUND, ETIMEDOUT, UND_ERR_HEADERS_TIMEOUT, ... */
  code: string;
  reason: string;
  ms: number;
  timeout: boolean;
}
export type Outcome = ResponseOutcome | ErrorOutcome;

export interface Attempt {
  scheme: Scheme;
  event: TestEventType;
  outcome: Outcome;
}

/** What the probe saw: raw answers, not yet judged. Absent = not sent. */
export interface ConformanceObservations {
  url: string;
  scheme: Scheme;
  timeoutMs: number;
  attempts: Partial<Record<ConformanceCheckId, Attempt>>;
  /** The valid delivery retried in other schemes, in order tried. */
  fallbacks: Attempt[];
  requests: number;
}

export interface ConformanceCheck {
  id: ConformanceCheckId;
  status: 'pass' | 'fail' | 'n/a';
  httpStatus?: number;
  ms?: number;
  detail: string;
}

export interface ConformanceResult {
  url: string;
  scheme: Scheme;
  checks: ConformanceCheck[];
  findings: UnratedFinding[];
  requests: number;
}

export async function runConformance(input: ConformanceInput): Promise<ConformanceResult> {
  return analyseConformance(await probeConformance(input));
}

// ---------------------------------------------------------------- probe (I/O)

export async function probeConformance(input: ConformanceInput): Promise<ConformanceObservations> {
  const scheme = input.scheme ?? DEFAULT_SCHEME;
  const timeoutMs = Math.min(input.timeoutMs ?? DELIVERY_TIMEOUT_MS, DELIVERY_TIMEOUT_MS);
  const nowS = () => Math.floor((input.now ?? Date.now)() / 1000);
  const progress = input.progress;
  const events = createEventFactory({ seed: input.seed, orgId: input.orgId });
  const own = input.dispatcher ? undefined : new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const dispatcher = input.dispatcher ?? own!;
  const obs: ConformanceObservations = { url: input.url, scheme, timeoutMs, attempts: {}, fallbacks: [], requests: 0 };

  const post = async (body: string, headers: Record<string, string>): Promise<Outcome> => {
    obs.requests += 1;
    return send(input.url, body, headers, timeoutMs, dispatcher, input.signal);
  };
  const signed = (s: Scheme, e: TestEvent) => signDelivery(s, input.secret, { body: e.body, url: input.url, timestampS: e.timestampS, id: e.deliveryId });
  const step = async (id: ConformanceCheckId, label: string, s: Scheme, e: TestEvent, body: string, headers: Record<string, string>) => {
    progress?.start(`webhook:${id}`, label);
    const outcome = await post(body, headers);
    obs.attempts[id] = { scheme: s, event: e.type, outcome };
    progress?.end(`webhook:${id}`, outcome.kind === 'response', outcome.kind === 'response' ? `${outcome.status} in ${Math.round(outcome.ms)} ms` : outcome.code);
  };

  try {
    const valid = events.next('NEW_WORK_ORDER', nowS());
    const change = events.next('WORK_ORDER_STATUS_CHANGE', nowS());
    await Promise.all([
      step('valid', `valid ${scheme} delivery`, scheme, valid, valid.body, signed(scheme, valid)),
      step('status-change', 'valid WORK_ORDER_STATUS_CHANGE delivery', scheme, change, change.body, signed(scheme, change)),
    ]);
    const first = obs.attempts.valid!.outcome;
    if (accepted(first)) {
      const forged = events.next('NEW_WORK_ORDER', nowS());
      const bare = events.next('NEW_WORK_ORDER', nowS());
      const old = events.next('NEW_WORK_ORDER', nowS() - STALE_AGE_S);
      await Promise.all([
        step('tampered', 'tampered body, signature unchanged', scheme, forged, tamperBody(forged.body), signed(scheme, forged)),
        step('unsigned', 'no signature headers', scheme, bare, bare.body, {}),
        SCHEME_INFO[scheme].timestamped ? step('stale', `signed ${STALE_AGE_S / 60} minutes ago`, scheme, old, old.body, signed(scheme, old)) : Promise.resolve(),
        step('duplicate', 'duplicate of the valid delivery', scheme, valid, valid.body, signed(scheme, valid)),
      ]);
    } else if (fallbackWorthy(first)) {
      // One at a time, stopping at the first accepted: fewest test events land on the receiver.
      for (const other of fallbackOrder(scheme)) {
        const e = events.next('NEW_WORK_ORDER', nowS());
        progress?.start(`webhook:fallback:${other}`, `valid delivery in the ${other} scheme`);
        const outcome = await post(e.body, signed(other, e));
        obs.fallbacks.push({ scheme: other, event: e.type, outcome });
        progress?.end(`webhook:fallback:${other}`, accepted(outcome), outcome.kind === 'response' ? String(outcome.status) : outcome.code);
        if (accepted(outcome)) break;
      }
    }
  } finally {
    await own?.destroy();
  }
  return obs;
}

/** Legacy schemes first: they are the likely cause of a rejected real delivery. */
export function fallbackOrder(scheme: Scheme): Scheme[] {
  const order: Scheme[] = ['legacy-timestamped', 'legacy-body', 'maintainx', 'standard', 'github'];
  return order.filter((s) => s !== scheme);
}

async function send(url: string, body: string, signature: Record<string, string>, timeoutMs: number, dispatcher: Dispatcher, signal?: AbortSignal): Promise<Outcome> {
  if (signal?.aborted) throw new CancelledError();
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  const deadline = exchangeDeadline(timeoutMs, signal);
  try {
    const res = await request(url, {
      method: 'POST',
      // Bytes exactly as signed: a Buffer, so nothing re-encodes them.
      body: Buffer.from(body, 'utf8'),
      headers: { 'content-type': 'application/json', 'user-agent': 'mx-runbook webhook test', ...signature },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: deadline.signal,
      dispatcher,
      // undici's request() never follows redirects: a 3xx is an answer.
    });
    let text = '';
    for await (const chunk of res.body) {
      text += Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      if (text.length >= 4096) break;
    }
    const location = res.headers['location'];
    return { kind: 'response', status: res.statusCode, ms: ms(), snippet: snippet(text), ...(typeof location === 'string' ? { location } : {}) };
  } catch (err) {
    if (signal?.aborted) throw new CancelledError();
    const cause = rootCause(err);
    const timedOut = deadline.timedOut();
    const code = timedOut ? 'ETIMEDOUT' : (errorCode(err) ?? errorCode(cause) ?? 'EUNKNOWN');
    const timeout = timedOut || /TIMEOUT/.test(code);
    return { kind: 'error', code, reason: timedOut ? `no complete answer within ${timeoutMs} ms` : errorMessage(cause), ms: ms(), timeout };
  } finally {
    deadline.dispose();
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

// --------------------------------------------------------- analysis (pure)

const is2xx = (o: Outcome): boolean => o.kind === 'response' && o.status >= 200 && o.status < 300;
const accepted = is2xx;
/** A proxy answering for a receiver that is down, or a refused/failed connection. */
const unreachable = (o: Outcome) => o.kind === 'error' || [502, 503, 504].includes(o.status);
/** Worth retrying in other schemes: an answer that may be about the signature. */
const fallbackWorthy = (o: Outcome) => o.kind === 'response' && !is2xx(o) && !unreachable(o) && !(o.status >= 300 && o.status < 400);

const nums = (o: Outcome): Record<string, unknown> =>
  o.kind === 'response' ? { httpStatus: o.status, ms: o.ms, body: o.snippet, ...(o.location ? { location: o.location } : {}) } : { error: o.code, reason: o.reason, ms: o.ms, timeout: o.timeout };
/** An answer in words: `401 (body: {"error":"invalid signature"})`, `ECONNREFUSED (connect ECONNREFUSED …)`. */
const said = (o: Outcome) => (o.kind === 'response' ? `${o.status}${o.snippet ? ` (body: ${o.snippet.length > 120 ? `${o.snippet.slice(0, 120)}…` : o.snippet})` : ''}` : `${o.code} (${o.reason})`);
const answer = (o: Outcome) => (o.kind === 'response' ? String(o.status) : o.code);

export function analyseConformance(obs: ConformanceObservations): ConformanceResult {
  const { attempts, scheme, timeoutMs } = obs;
  const findings: UnratedFinding[] = [];
  const checks: ConformanceCheck[] = [];
  const info = SCHEME_INFO[scheme];
  const push = (id: ConformanceCheckId, status: ConformanceCheck['status'], detail: string, o?: Outcome) =>
    checks.push({ id, status, ...(o?.kind === 'response' ? { httpStatus: o.status } : {}), ...(o ? { ms: o.ms } : {}), detail });
  const base = { url: obs.url, scheme };

  const valid = attempts.valid?.outcome;
  if (!valid) {
    // Nothing was sent (the caller's probe was not run): say so rather than guess.
    return { url: obs.url, scheme, checks: CHECK_IDS.map((id) => ({ id, status: 'n/a', detail: 'not run' })), findings, requests: obs.requests };
  }

  // (1) the valid delivery
  if (is2xx(valid)) {
    push('valid', valid.ms > SLOW_MS ? 'fail' : 'pass', `accepted (${answer(valid)}) in ${valid.ms} ms${valid.ms > SLOW_MS ? `: slower than ${SLOW_MS} ms, MaintainX gives up at ${DELIVERY_TIMEOUT_MS} ms` : ''}`, valid);
  } else if (unreachable(valid)) {
    push('valid', 'fail', `no delivery possible: ${said(valid)} after ${valid.ms} ms`, valid);
    findings.push({ check: 'valid', code: 'receiver_unreachable', message: unreachableMessage(valid, timeoutMs), evidence: { ...base, ...nums(valid), timeoutMs } });
  } else if (valid.kind === 'response') {
    push('valid', 'fail', `refused a correctly signed delivery: ${said(valid)} after ${valid.ms} ms`, valid);
    findings.push(rejectedValid(obs, valid));
  }

  // (1b) the second event type
  const change = attempts['status-change']?.outcome;
  if (!change) push('status-change', 'n/a', 'not run');
  else if (!is2xx(valid)) push('status-change', is2xx(change) ? 'pass' : 'fail', `${is2xx(change) ? 'accepted' : 'failed too'}: ${said(change)} after ${change.ms} ms (see valid)`, change);
  else if (is2xx(change)) push('status-change', change.ms > SLOW_MS ? 'fail' : 'pass', `accepted (${answer(change)}) in ${change.ms} ms${change.ms > SLOW_MS ? `: slower than ${SLOW_MS} ms` : ''}`, change);
  else {
    push('status-change', 'fail', `NEW_WORK_ORDER was accepted, WORK_ORDER_STATUS_CHANGE was not: ${said(change)}`, change);
    findings.push(
      unreachable(change)
        ? { check: 'status-change', code: 'receiver_unreachable', message: `the receiver accepted one delivery, then failed the next: ${said(change)} after ${change.ms} ms`, evidence: { ...base, ...nums(change), timeoutMs } }
        : {
            check: 'status-change',
            code: 'receiver_rejects_valid_signature',
            message: `the receiver accepts a signed NEW_WORK_ORDER delivery but answers ${said(change)} to a correctly signed WORK_ORDER_STATUS_CHANGE one (${change.ms} ms): MaintainX bodies carry no event-type field — does it expect one, or only one event shape?`,
            evidence: { ...base, ...nums(change), event: 'WORK_ORDER_STATUS_CHANGE' },
          },
    );
  }

  // (2)-(4) deliveries that must be refused
  const notRun = is2xx(valid) ? 'not run' : `not run: the valid delivery was not accepted (${answer(valid)})`;
  const negative = (id: 'tampered' | 'unsigned' | 'stale', what: string, code: string, why: string) => {
    const o = attempts[id]?.outcome;
    if (!o) return push(id, 'n/a', notRun);
    if (is2xx(o)) {
      push(id, 'fail', `accepted ${what}: ${answer(o)} in ${o.ms} ms`, o);
      findings.push({ check: id, code, message: `the receiver accepted ${what} with ${answer(o)} (${o.ms} ms): ${why}`, evidence: { ...base, ...nums(o) } });
    } else if (o.kind === 'response' && o.status >= 400 && o.status < 500) push(id, 'pass', `refused (${o.status}) in ${o.ms} ms`, o);
    else push(id, 'pass', `not accepted (${said(o)}); a 401 says why more clearly`, o);
  };
  negative('tampered', 'a delivery whose body was changed after signing', 'receiver_accepts_invalid_signature', 'it does not check the signature against the raw body, so anyone who knows the URL can forge events');
  negative('unsigned', 'a delivery without any signature header', 'receiver_accepts_invalid_signature', 'it does not require a signature, so anyone who knows the URL can forge events');
  if (!info.timestamped) push('stale', 'n/a', `n/a: the ${scheme} scheme signs no timestamp, so a replayed delivery cannot be refused by age`);
  else
    negative('stale', `a delivery correctly signed ${STALE_AGE_S / 60} minutes ago`, 'receiver_accepts_stale_timestamp', `it does not enforce the 5-minute tolerance on the signed timestamp, so a captured delivery can be replayed`);

  // (5) the duplicate
  const dup = attempts.duplicate?.outcome;
  if (!dup) push('duplicate', 'n/a', notRun);
  else if (is2xx(dup)) push('duplicate', 'pass', `accepted again (${answer(dup)}) in ${dup.ms} ms`, dup);
  else if (dup.kind === 'response' && dup.status === 409) push('duplicate', 'pass', `409 in ${dup.ms} ms: "already have it", fine for an idempotent receiver`, dup);
  else {
    push('duplicate', 'fail', `refused a redelivery of an accepted event: ${said(dup)}`, dup);
    findings.push(
      unreachable(dup)
        ? { check: 'duplicate', code: 'receiver_unreachable', message: `the receiver accepted a delivery, then failed its redelivery: ${said(dup)} after ${dup.ms} ms`, evidence: { ...base, ...nums(dup), timeoutMs } }
        : { check: 'duplicate', code: 'receiver_rejects_valid_signature', message: `the receiver refuses a second delivery of an event it accepted (${said(dup)}, ${dup.ms} ms): deliveries can repeat (retries, replays), so answer 2xx (or 409) and skip the work`, evidence: { ...base, ...nums(dup) } },
    );
  }

  // Slowness: the slowest accepted valid delivery.
  const slow = (['valid', 'status-change', 'duplicate'] as const)
    .map((id) => ({ id, o: attempts[id]?.outcome }))
    .filter((x): x is { id: 'valid' | 'status-change' | 'duplicate'; o: Outcome } => !!x.o && is2xx(x.o) && x.o.ms > SLOW_MS)
    .sort((a, b) => b.o.ms - a.o.ms)[0];
  if (slow) {
    findings.push({
      check: slow.id,
      code: 'receiver_slow',
      message: `the receiver took ${slow.o.ms} ms to accept a delivery (over ${SLOW_MS} ms; MaintainX gives up at ${DELIVERY_TIMEOUT_MS} ms): verify, enqueue and answer at once`,
      evidence: { ...base, ...nums(slow.o), slowMs: SLOW_MS, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS },
    });
  }

  const order = new Map(CHECK_IDS.map((id, i) => [id, i]));
  checks.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { url: obs.url, scheme, checks, findings, requests: obs.requests };
}

function unreachableMessage(o: Outcome, timeoutMs: number): string {
  if (o.kind === 'response') return `a ${o.status} came back in ${o.ms} ms (${o.snippet || 'no body'}): a proxy or load balancer answered because the receiver behind it is down`;
  if (o.timeout) {
    const hint = timeoutMs < DELIVERY_TIMEOUT_MS ? ` (--timeout ${timeoutMs}; MaintainX waits ${DELIVERY_TIMEOUT_MS} ms, run without --timeout to use that)` : ': MaintainX would give up on every delivery';
    return `no answer within ${timeoutMs} ms (${o.code})${hint}`;
  }
  const why: Record<string, string> = {
    ECONNREFUSED: 'nothing listens on that port (connection refused)',
    ENOTFOUND: 'the host name does not resolve (DNS)',
    EAI_AGAIN: 'DNS could not answer for the host name',
    ECONNRESET: 'the connection was reset before an answer',
    UND_ERR_SOCKET: 'the connection closed before an answer',
  };
  return `cannot deliver: ${why[o.code] ?? o.reason} (${o.code}, after ${o.ms} ms)`;
}

function rejectedValid(obs: ConformanceObservations, valid: ResponseOutcome): UnratedFinding {
  const { scheme } = obs;
  const info = SCHEME_INFO[scheme];
  const tried = obs.fallbacks.map((f) => ({ scheme: f.scheme, answer: answer(f.outcome), ...nums(f.outcome) }));
  const taken = obs.fallbacks.find((f) => is2xx(f.outcome));
  const evidence = { url: obs.url, scheme, ...nums(valid), header: info.header, tried };
  if (taken && LEGACY.includes(taken.scheme)) {
    const legacyHeaders = taken.scheme === 'legacy-timestamped' ? 'X-MaintainX-Signature + X-MaintainX-Timestamp' : 'X-MaintainX-Signature over re-serialised JSON';
    return {
      check: 'valid',
      code: 'receiver_legacy_signature_only',
      message: `the receiver answers ${valid.status} (${valid.ms} ms) to a delivery signed as ${scheme === 'maintainx' ? 'MaintainX signs' : scheme} but accepts the old-guide ${taken.scheme} scheme (${legacyHeaders}, ${taken.outcome.ms} ms), which MaintainX never sends: read ${info.header}, format ${info.format}`,
      evidence: { ...evidence, acceptedScheme: taken.scheme, acceptedStatus: answer(taken.outcome), acceptedMs: taken.outcome.ms, requiredHeader: info.header, requiredFormat: info.format },
    };
  }
  if (valid.status >= 300 && valid.status < 400) {
    return {
      check: 'valid',
      code: 'receiver_rejects_valid_signature',
      message: `the receiver redirects (${valid.status}${valid.location ? ` to ${valid.location}` : ''}, ${valid.ms} ms) instead of answering: webhook senders do not follow redirects, register the final URL`,
      evidence,
    };
  }
  const also = taken ? `; it accepts the ${taken.scheme} scheme instead (${answer(taken.outcome)})` : tried.length ? `; ${tried.map((t) => `${t.scheme} ${t.answer}`).join(', ')} too` : '';
  return {
    check: 'valid',
    code: 'receiver_rejects_valid_signature',
    message: `the receiver answers ${said(valid)} (${valid.ms} ms) to a correctly signed ${scheme} delivery (${info.header})${also}: ${hintFor(valid.status)}`,
    evidence: { ...evidence, ...(taken ? { acceptedScheme: taken.scheme } : {}) },
  };
}

function hintFor(status: number): string {
  if (status === 401 || status === 403) return 'wrong secret? (every subscription has its own: GET /subscriptions/{id}/secret) — or it verifies re-serialised JSON instead of the raw bytes';
  if (status === 400 || status === 422) return 'it may expect another body shape (an event-type field?); MaintainX bodies carry none';
  if (status === 404 || status === 405) return 'wrong path or method: MaintainX POSTs to the URL exactly as registered';
  if (status >= 500) return 'it fails on a correctly signed delivery; check its logs (a receiver that reads a header MaintainX does not send can crash on it)';
  return 'MaintainX treats any non-2xx answer as a failed delivery';
}
