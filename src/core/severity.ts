// The severity rules, in one place. Analysis says what it saw (an UnratedFinding
// with numbers); this module decides how bad that is. Defaults follow
// PRODUCT.md's table; every rule can be overridden from the config file
// ("severities": {"<code>": "SEV2"}) and numeric thresholds live in Thresholds.
import { SEVERITIES, type Finding, type UnratedFinding, type Severity, type Status } from './types.js';

export interface Thresholds {
  /** RB-002: error rate above which a finding is SEV3 / SEV2. */
  errorRateMinor: number;
  errorRateMajor: number;
  /** RB-005: p95 latency (ms) above which an endpoint is slow. */
  slowMs: number;
  /** RB-004: share of records missing/stale above which drift is SEV2. */
  driftMajor: number;
  /** RB-005: cache hit rate below which a finding is raised. */
  cacheHitRateLow: number;
  /** RB-003: pending webhooks above which the queue is a backlog. */
  queueBacklog: number;
  /** RB-004: seconds the local copy may trail the vendor before it is lag. */
  syncLagS: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  errorRateMinor: 0.05,
  errorRateMajor: 0.5,
  slowMs: 1000,
  driftMajor: 0.05,
  cacheHitRateLow: 0.5,
  queueBacklog: 1000,
  syncLagS: 300,
};

export interface SeverityPolicy {
  thresholds: Thresholds;
  overrides: Record<string, Severity>;
}

export const DEFAULT_POLICY: SeverityPolicy = { thresholds: DEFAULT_THRESHOLDS, overrides: {} };

type Rule = Severity | ((o: UnratedFinding, t: Thresholds) => Severity);

const num = (o: UnratedFinding, key: string): number => {
  const v = o.evidence[key];
  return typeof v === 'number' ? v : Number.NaN;
};

// Status-page indicators are the vendor's own words; our probes decide how bad
// it is for *this* integration, so the page alone never raises SEV1.
const statusPageRule: Rule = (o) => {
  switch (o.evidence['indicator']) {
    case 'critical':
      return 'SEV2';
    case 'major':
      return 'SEV3';
    default:
      return 'SEV4';
  }
};

const patternRule: Rule = (o, t) => (num(o, 'share') > t.errorRateMajor ? 'SEV2' : num(o, 'share') > t.errorRateMinor ? 'SEV3' : 'SEV4');

const RULES: Record<string, Rule> = {
  // RB-001: the API cannot be reached at all — complete outage.
  dns_nxdomain: 'SEV1',
  dns_servfail: 'SEV1',
  dns_timeout: 'SEV1',
  tcp_refused: 'SEV1',
  tcp_timeout: 'SEV1',
  tls_cert_expired: 'SEV1',
  tls_self_signed: 'SEV1',
  tls_hostname_mismatch: 'SEV1',
  tls_handshake_failed: 'SEV1',
  http_headers_timeout: 'SEV1',
  // Every call the integration makes fails with a bad key.
  http_auth_invalid: 'SEV1',
  http_forbidden: 'SEV2',
  http_rate_limited: 'SEV3',
  http_server_error: 'SEV2',
  http_unexpected_body: 'SEV2',
  // Added: a multi-organization token without x-organization-id fails every call.
  http_bad_request: 'SEV1',
  // Added: a JWT key that has expired fails every call; under an hour left is
  // seed 003's P4 "key nearing expiry"; more than that is not worth a line.
  auth_token_expiring: (o) => (num(o, 'expiresInS') <= 0 ? 'SEV1' : num(o, 'expiresInS') < 3600 ? 'SEV4' : 'NONE'),
  status_page_degraded: statusPageRule,
  status_page_unreachable: 'SEV4',
  // RB-002
  // At or under the minor threshold the rate is not "high": NONE, dropped.
  error_rate_high: (o, t) => (num(o, 'errorRate') > t.errorRateMajor ? 'SEV2' : num(o, 'errorRate') > t.errorRateMinor ? 'SEV3' : 'NONE'),
  // A pattern's severity follows its share of all requests, on the same
  // thresholds as the error rate: one stray 401 is not an incident.
  auth_errors: patternRule,
  forbidden_errors: patternRule,
  rate_limited: patternRule,
  server_errors: patternRule,
  // Nothing could be analysed at all: the diagnosis is blind.
  log_unreadable: (o) => (o.evidence['readable'] === 0 ? 'SEV3' : 'SEV4'),
  // RB-003
  receiver_unreachable: 'SEV2',
  receiver_rejects_valid_signature: 'SEV2',
  receiver_accepts_invalid_signature: 'SEV2',
  receiver_accepts_stale_timestamp: 'SEV3',
  receiver_slow: 'SEV3',
  receiver_legacy_signature_only: 'SEV2',
  // A backlog ten times the threshold is deliveries lost to lateness.
  queue_backlog: (o, t) => (num(o, 'depth') > t.queueBacklog * 10 ? 'SEV2' : num(o, 'depth') > t.queueBacklog ? 'SEV3' : 'NONE'),
  failed_webhooks: 'SEV3',
  redis_unreachable: 'SEV2',
  // RB-004
  records_missing_locally: (o, t) => (num(o, 'share') > t.driftMajor ? 'SEV2' : 'SEV3'),
  records_extra_locally: 'SEV3',
  records_stale_locally: (o, t) => (num(o, 'share') > t.driftMajor ? 'SEV2' : 'SEV3'),
  sync_lag: (o, t) => (num(o, 'lagSeconds') > t.syncLagS ? 'SEV3' : 'NONE'),
  listing_partial: 'SEV4',
  // RB-005
  endpoint_slow: 'SEV3',
  endpoint_errors: 'SEV3',
  cache_hit_rate_low: (o, t) => (num(o, 'hitRate') < t.cacheHitRateLow ? 'SEV4' : 'NONE'),
  rate_limit_low: 'SEV4',
  pool_saturated: 'SEV3',
};

/** Codes we know; an unknown code is a bug in a runbook, classified SEV4. */
export const KNOWN_CODES: ReadonlySet<string> = new Set(Object.keys(RULES));

export function severityOf(o: UnratedFinding, policy: SeverityPolicy = DEFAULT_POLICY): Severity {
  const override = policy.overrides[o.code];
  if (override) return override;
  const rule = RULES[o.code];
  if (rule === undefined) return 'SEV4';
  return typeof rule === 'string' ? rule : rule(o, policy.thresholds);
}

export function classify(
  observations: UnratedFinding[],
  mitigationFor: (code: string) => string[],
  policy: SeverityPolicy = DEFAULT_POLICY,
): Finding[] {
  // A rule (or an override) that says NONE means "not a problem at these
  // thresholds": such an observation is not reported as a finding.
  return observations
    .map((o) => ({ ...o, severity: severityOf(o, policy), mitigation: mitigationFor(o.code) }))
    .filter((f) => f.severity !== 'NONE')
    .sort((a, b) => rank(a.severity) - rank(b.severity));
}

/** 0 for SEV1 … 4 for NONE: lower is worse. */
export function rank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function worst(severities: Iterable<Severity>): Severity {
  let best: Severity = 'NONE';
  for (const s of severities) if (rank(s) < rank(best)) best = s;
  return best;
}

/** True when `s` is at or above (as bad as or worse than) `threshold`.
 *  A threshold of NONE (`--fail-on none`) means nothing ever is. */
export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return threshold !== 'NONE' && s !== 'NONE' && rank(s) <= rank(threshold);
}

/** A runbook's status from its findings (PRODUCT.md: warn = SEV3/SEV4 only). */
export function statusFromFindings(findings: Finding[]): Status {
  const w = worst(findings.map((f) => f.severity));
  if (w === 'SEV1' || w === 'SEV2') return 'fail';
  if (w === 'SEV3' || w === 'SEV4') return 'warn';
  return 'ok';
}

export function parseSeverity(input: string): Severity | undefined {
  const m = /^(?:sev|p)?\s*-?([1-4])$/i.exec(input.trim());
  if (m) return `SEV${m[1]}` as Severity;
  if (/^none$/i.test(input.trim())) return 'NONE';
  return undefined;
}
