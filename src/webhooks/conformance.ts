// Receiver conformance (RB-003, `webhook test`): send signed test deliveries
// to a receiver and judge its answers. probeConformance does the I/O and
// records what came back; analyseConformance (pure) turns that into checks
// and findings with their numbers.
//
// The vendor (--provider) sets the events, the default scheme and the words
// (vendors.ts): MaintainX sends NEW_WORK_ORDER / WORK_ORDER_STATUS_CHANGE
// bodies signed `maintainx`; Flexport sends /shipment_leg#departed /
// #arrived events signed `github` with both X-Hub-Signature-256 and the
// deprecated SHA-1 X-Hub-Signature.
//
// The plan, at most 6 requests (each POST bounded by min(--timeout, 10 s),
// MaintainX's delivery timeout, and 10 s when --timeout is not given):
//   1. concurrently: a valid delivery of the vendor's first event type and
//      one of its second (both must get 2xx; > 5 s is slow);
//   2. when the first was accepted, concurrently: the same kind of delivery
//      with its body changed after signing, one without signature headers,
//      one correctly signed 10 minutes ago (timestamped schemes only) — all
//      three must be refused — a byte-for-byte duplicate of (1), which
//      must be accepted (2xx, or 409 "already have it": an idempotent
//      receiver may say so, and senders redeliver after a timeout), and,
//      where the vendor also sends the deprecated SHA-1 header (Flexport),
//      one signed with X-Hub-Signature-256 only, which must be accepted: a
//      receiver that refuses it verifies only the deprecated header;
//   3. when (1) was refused, the valid delivery again in each other scheme,
//      one at a time, until one is accepted: that tells a receiver built
//      from an old guide (legacy headers) from one with the wrong secret.
import { performance } from 'node:perf_hooks';
import { Agent, request, type Dispatcher } from 'undici';
import { CancelledError, errorCode, errorMessage, rootCause } from '../core/errors.js';
import { exchangeDeadline } from '../net/timing.js';
import type { UnratedFinding } from '../core/types.js';
import type { Progress } from '../runbooks/types.js';
import type { WebhookTestEvent } from './events.js';
import { HEADERS, SCHEME_INFO, SHA1_FORMAT, signDelivery, type Scheme } from './signing.js';
import { webhookVendor, type WebhookProvider, type WebhookVendor } from './vendors.js';

/** MaintainX gives up on a delivery after 10 s. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Above this an accepted delivery is reported slow: half the budget gone. */
export const SLOW_MS = 5_000;
/** How old the stale delivery is: twice the recommended 5-minute tolerance. */
export const STALE_AGE_S = 600;

/**
 * Check ids, the same for every vendor: `status-change` is "the second event
 * type" (WORK_ORDER_STATUS_CHANGE, /shipment_leg#arrived); `sha256-only` is
 * run only where deliveries also carry the deprecated SHA-1 header.
 */
export const CHECK_IDS = ['valid', 'status-change', 'sha256-only', 'tampered', 'unsigned', 'stale', 'duplicate'] as const;
export type ConformanceCheckId = (typeof CHECK_IDS)[number];

/** The checks a run reports: `sha256-only` only where the vendor sends the SHA-1 companion header. */
export function checkIdsFor(provider: WebhookProvider, scheme: Scheme): ConformanceCheckId[] {
  const sha1 = webhookVendor(provider).sha1Companion(scheme);
  return CHECK_IDS.filter((id) => id !== 'sha256-only' || sha1);
}

/** Seed 001 and 002 receivers: accepting only these means real deliveries fail. */
const LEGACY: readonly Scheme[] = ['legacy-timestamped', 'legacy-body'];

export interface ConformanceInput {
  url: string;
  secret: string;
  /** Whose deliveries to imitate (default maintainx). */
  provider?: WebhookProvider;
  /** Default: the provider's (maintainx, or github for Flexport). */
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
  /** The vendor's event type: NEW_WORK_ORDER, /shipment_leg#departed, ... */
  event: string;
  outcome: Outcome;
}

/** What the probe saw: raw answers, not yet judged. Absent = not sent. */
export interface ConformanceObservations {
  url: string;
  /** Default maintainx. */
  provider?: WebhookProvider;
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
  provider: WebhookProvider;
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
  const provider = input.provider ?? 'maintainx';
  const vendor = webhookVendor(provider);
  const scheme = input.scheme ?? vendor.defaultScheme;
  const timeoutMs = Math.min(input.timeoutMs ?? DELIVERY_TIMEOUT_MS, DELIVERY_TIMEOUT_MS);
  const nowS = () => Math.floor((input.now ?? Date.now)() / 1000);
  const progress = input.progress;
  const events = vendor.events({ seed: input.seed, orgId: input.orgId });
  const [firstType, secondType] = vendor.types;
  const own = input.dispatcher ? undefined : new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const dispatcher = input.dispatcher ?? own!;
  const obs: ConformanceObservations = { url: input.url, provider, scheme, timeoutMs, attempts: {}, fallbacks: [], requests: 0 };

  const post = async (body: string, headers: Record<string, string>): Promise<Outcome> => {
    obs.requests += 1;
    return send(input.url, body, { ...vendor.headers, ...headers }, timeoutMs, dispatcher, input.signal);
  };
  // As the vendor signs: Flexport's github-scheme deliveries carry the SHA-1 header too.
  const signed = (s: Scheme, e: WebhookTestEvent, sha1 = vendor.sha1Companion(s)) =>
    signDelivery(s, input.secret, { body: e.body, url: input.url, timestampS: e.timestampS, id: e.deliveryId }, { sha1 });
  const step = async (id: ConformanceCheckId, label: string, s: Scheme, e: WebhookTestEvent, body: string, headers: Record<string, string>) => {
    progress?.start(`webhook:${id}`, label);
    const outcome = await post(body, headers);
    obs.attempts[id] = { scheme: s, event: e.type, outcome };
    progress?.end(`webhook:${id}`, outcome.kind === 'response', outcome.kind === 'response' ? `${outcome.status} in ${Math.round(outcome.ms)} ms` : outcome.code);
  };

  try {
    const valid = events.next(firstType, nowS());
    const change = events.next(secondType, nowS());
    // The duplicate is the valid delivery again, headers and all.
    const validHeaders = signed(scheme, valid);
    await Promise.all([
      step('valid', `valid ${scheme} delivery`, scheme, valid, valid.body, validHeaders),
      step('status-change', `valid ${secondType} delivery`, scheme, change, change.body, signed(scheme, change)),
    ]);
    const first = obs.attempts.valid!.outcome;
    if (accepted(first)) {
      const forged = events.next(firstType, nowS());
      const bare = events.next(firstType, nowS());
      const old = events.next(firstType, nowS() - STALE_AGE_S);
      const current = events.next(firstType, nowS());
      await Promise.all([
        vendor.sha1Companion(scheme) ? step('sha256-only', `${HEADERS.github} only, no ${HEADERS.githubSha1}`, scheme, current, current.body, signed(scheme, current, false)) : Promise.resolve(),
        step('tampered', 'tampered body, signature unchanged', scheme, forged, vendor.tamper(forged.body), signed(scheme, forged)),
        step('unsigned', 'no signature headers', scheme, bare, bare.body, {}),
        SCHEME_INFO[scheme].timestamped ? step('stale', `signed ${STALE_AGE_S / 60} minutes ago`, scheme, old, old.body, signed(scheme, old)) : Promise.resolve(),
        step('duplicate', 'duplicate of the valid delivery', scheme, valid, valid.body, validHeaders),
      ]);
    } else if (fallbackWorthy(first)) {
      // One at a time, stopping at the first accepted: fewest test events land on the receiver.
      for (const other of fallbackOrder(scheme, provider)) {
        const e = events.next(firstType, nowS());
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

/** The vendor's likely causes first (MaintainX: the legacy schemes of the old guides); never the chosen scheme. */
export function fallbackOrder(scheme: Scheme, provider: WebhookProvider = 'maintainx'): Scheme[] {
  return webhookVendor(provider).fallbacks.filter((s) => s !== scheme);
}

/** `signature`: every header of the delivery (the vendor's content-type and user-agent included). */
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
      headers: signature,
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
  const provider = obs.provider ?? 'maintainx';
  const vendor = webhookVendor(provider);
  const [firstType, secondType] = vendor.types;
  const ids = checkIdsFor(provider, scheme);
  const findings: UnratedFinding[] = [];
  const checks: ConformanceCheck[] = [];
  const info = SCHEME_INFO[scheme];
  const push = (id: ConformanceCheckId, status: ConformanceCheck['status'], detail: string, o?: Outcome) =>
    checks.push({ id, status, ...(o?.kind === 'response' ? { httpStatus: o.status } : {}), ...(o ? { ms: o.ms } : {}), detail });
  const base = { url: obs.url, provider, scheme };
  const result = (): ConformanceResult => ({ url: obs.url, provider, scheme, checks, findings, requests: obs.requests });

  const valid = attempts.valid?.outcome;
  if (!valid) {
    // Nothing was sent (the caller's probe was not run): say so rather than guess.
    for (const id of ids) push(id, 'n/a', 'not run');
    return result();
  }

  // (1) the valid delivery
  if (is2xx(valid)) {
    push('valid', valid.ms > SLOW_MS ? 'fail' : 'pass', `accepted (${answer(valid)}) in ${valid.ms} ms${valid.ms > SLOW_MS ? `: slower than ${SLOW_MS} ms, ${vendor.givesUp(DELIVERY_TIMEOUT_MS)}` : ''}`, valid);
  } else if (unreachable(valid)) {
    push('valid', 'fail', `no delivery possible: ${said(valid)} after ${valid.ms} ms`, valid);
    findings.push({ check: 'valid', code: 'receiver_unreachable', message: unreachableMessage(valid, timeoutMs, vendor), evidence: { ...base, ...nums(valid), timeoutMs } });
  } else if (valid.kind === 'response') {
    push('valid', 'fail', `refused a correctly signed delivery: ${said(valid)} after ${valid.ms} ms`, valid);
    findings.push(rejectedValid(obs, valid, vendor));
  }

  // (1b) the second event type
  const change = attempts['status-change']?.outcome;
  if (!change) push('status-change', 'n/a', 'not run');
  else if (!is2xx(valid)) push('status-change', is2xx(change) ? 'pass' : 'fail', `${is2xx(change) ? 'accepted' : 'failed too'}: ${said(change)} after ${change.ms} ms (see valid)`, change);
  else if (is2xx(change)) push('status-change', change.ms > SLOW_MS ? 'fail' : 'pass', `accepted (${answer(change)}) in ${change.ms} ms${change.ms > SLOW_MS ? `: slower than ${SLOW_MS} ms` : ''}`, change);
  else {
    push('status-change', 'fail', `${firstType} was accepted, ${secondType} was not: ${said(change)}`, change);
    findings.push(
      unreachable(change)
        ? { check: 'status-change', code: 'receiver_unreachable', message: `the receiver accepted one delivery, then failed the next: ${said(change)} after ${change.ms} ms`, evidence: { ...base, ...nums(change), timeoutMs } }
        : {
            check: 'status-change',
            code: 'receiver_rejects_valid_signature',
            message: `the receiver accepts a signed ${firstType} delivery but answers ${said(change)} to a correctly signed ${secondType} one (${change.ms} ms): ${vendor.secondTypeHint}`,
            evidence: { ...base, ...nums(change), event: secondType },
          },
    );
  }

  const notRun = is2xx(valid) ? 'not run' : `not run: the valid delivery was not accepted (${answer(valid)})`;

  // (1c) Flexport: X-Hub-Signature-256 alone must do; the SHA-1 X-Hub-Signature is deprecated.
  if (ids.includes('sha256-only')) {
    const o = attempts['sha256-only']?.outcome;
    const both = `${HEADERS.github} + ${HEADERS.githubSha1}`;
    if (!o) push('sha256-only', 'n/a', notRun);
    else if (is2xx(o)) push('sha256-only', o.ms > SLOW_MS ? 'fail' : 'pass', `accepted without the deprecated ${HEADERS.githubSha1} (${answer(o)}) in ${o.ms} ms`, o);
    else if (unreachable(o)) {
      push('sha256-only', 'fail', `failed: ${said(o)} after ${o.ms} ms`, o);
      findings.push({ check: 'sha256-only', code: 'receiver_unreachable', message: `the receiver accepted one delivery, then failed the next: ${said(o)} after ${o.ms} ms`, evidence: { ...base, ...nums(o), timeoutMs } });
    } else {
      push('sha256-only', 'fail', `refused a delivery signed with ${HEADERS.github} alone: ${said(o)}; it accepted the same with ${HEADERS.githubSha1} too`, o);
      findings.push({
        check: 'sha256-only',
        code: 'receiver_legacy_signature_only',
        message: `the receiver accepts a delivery carrying both signatures (${both}, ${answer(valid)}) but answers ${said(o)} (${o.ms} ms) to one correctly signed with ${HEADERS.github} alone: it verifies only the SHA-1 ${HEADERS.githubSha1}, which ${vendor.name} has deprecated: verify ${HEADERS.github}, format ${info.format}, over the raw body`,
        evidence: {
          ...base,
          ...nums(o),
          acceptedWith: both,
          acceptedStatus: answer(valid),
          acceptedMs: valid.ms,
          requiredHeader: HEADERS.github,
          requiredFormat: info.format,
          deprecatedHeader: HEADERS.githubSha1,
          deprecatedFormat: SHA1_FORMAT,
        },
      });
    }
  }

  // (2)-(4) deliveries that must be refused
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
  type Accepting = 'valid' | 'status-change' | 'sha256-only' | 'duplicate';
  const slow = (['valid', 'status-change', 'sha256-only', 'duplicate'] as const)
    .map((id) => ({ id, o: attempts[id]?.outcome }))
    .filter((x): x is { id: Accepting; o: Outcome } => !!x.o && is2xx(x.o) && x.o.ms > SLOW_MS)
    .sort((a, b) => b.o.ms - a.o.ms)[0];
  if (slow) {
    findings.push({
      check: slow.id,
      code: 'receiver_slow',
      message: `the receiver took ${slow.o.ms} ms to accept a delivery (over ${SLOW_MS} ms; ${vendor.givesUp(DELIVERY_TIMEOUT_MS)}): verify, enqueue and answer at once`,
      evidence: { ...base, ...nums(slow.o), slowMs: SLOW_MS, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS },
    });
  }

  const order = new Map(CHECK_IDS.map((id, i) => [id, i]));
  checks.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return result();
}

function unreachableMessage(o: Outcome, timeoutMs: number, vendor: WebhookVendor): string {
  if (o.kind === 'response') return `a ${o.status} came back in ${o.ms} ms (${o.snippet || 'no body'}): a proxy or load balancer answered because the receiver behind it is down`;
  if (o.timeout) {
    const waits = vendor.id === 'maintainx' ? `MaintainX waits ${DELIVERY_TIMEOUT_MS} ms` : `${DELIVERY_TIMEOUT_MS} ms is the usual delivery bound`;
    const hint = timeoutMs < DELIVERY_TIMEOUT_MS ? ` (--timeout ${timeoutMs}; ${waits}, run without --timeout to use that)` : `: ${vendor.name} would give up on every delivery`;
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

function rejectedValid(obs: ConformanceObservations, valid: ResponseOutcome, vendor: WebhookVendor): UnratedFinding {
  const { scheme } = obs;
  const info = SCHEME_INFO[scheme];
  const tried = obs.fallbacks.map((f) => ({ scheme: f.scheme, answer: answer(f.outcome), ...nums(f.outcome) }));
  const taken = obs.fallbacks.find((f) => is2xx(f.outcome));
  const headerText = vendor.sha1Companion(scheme) ? `${info.header} + ${HEADERS.githubSha1}` : info.header;
  const evidence = { url: obs.url, provider: vendor.id, scheme, ...nums(valid), header: info.header, tried };
  if (taken && LEGACY.includes(taken.scheme)) {
    const legacyHeaders = taken.scheme === 'legacy-timestamped' ? 'X-MaintainX-Signature + X-MaintainX-Timestamp' : 'X-MaintainX-Signature over re-serialised JSON';
    return {
      check: 'valid',
      code: 'receiver_legacy_signature_only',
      message: `the receiver answers ${valid.status} (${valid.ms} ms) to a delivery signed as ${scheme === vendor.defaultScheme ? `${vendor.name} signs` : scheme} but accepts the old-guide ${taken.scheme} scheme (${legacyHeaders}, ${taken.outcome.ms} ms), which ${vendor.name} never sends: read ${info.header}, format ${info.format}`,
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
  const elsewhere = taken && vendor.id !== 'maintainx' && taken.scheme === 'maintainx' ? ' — is this a MaintainX receiver? check the URL and --provider' : '';
  const also = taken ? `; it accepts the ${taken.scheme} scheme instead (${answer(taken.outcome)})${elsewhere}` : tried.length ? `; ${tried.map((t) => `${t.scheme} ${t.answer}`).join(', ')} too` : '';
  return {
    check: 'valid',
    code: 'receiver_rejects_valid_signature',
    message: `the receiver answers ${said(valid)} (${valid.ms} ms) to a correctly signed ${scheme} delivery (${headerText})${also}: ${hintFor(valid.status, vendor)}`,
    evidence: { ...evidence, ...(taken ? { acceptedScheme: taken.scheme } : {}) },
  };
}

function hintFor(status: number, vendor: WebhookVendor): string {
  if (status === 401 || status === 403) return vendor.hints.secret;
  if (status === 400 || status === 422) return vendor.hints.shape;
  if (status === 404 || status === 405) return vendor.hints.path;
  if (status >= 500) return `it fails on a correctly signed delivery; check its logs (a receiver that reads a header ${vendor.name} does not send can crash on it)`;
  return vendor.hints.other;
}
