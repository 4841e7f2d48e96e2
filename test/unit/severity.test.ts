import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  DEFAULT_THRESHOLDS,
  KNOWN_CODES,
  atOrAbove,
  classify,
  parseSeverity,
  rank,
  severityOf,
  statusFromFindings,
  worst,
  type SeverityPolicy,
} from '../../src/core/severity.js';
import type { Finding, Severity, UnratedFinding } from '../../src/core/types.js';
import { PRODUCT_CODES } from '../helpers/product-codes.js';


const obs = (code: string, evidence: Record<string, unknown> = {}): UnratedFinding => ({ code, message: `${code} seen`, evidence });
const finding = (severity: Severity, code = 'x'): Finding => ({ ...obs(code), severity, mitigation: [] });

describe('KNOWN_CODES', () => {
  const all = Object.values(PRODUCT_CODES).flat();
  it.each(all)('has a rule for %s', (code) => {
    expect(KNOWN_CODES.has(code)).toBe(true);
  });

  it('codes are snake_case and the PRODUCT.md list has no duplicates', () => {
    expect(new Set(all).size).toBe(all.length);
    for (const c of KNOWN_CODES) expect(c).toMatch(/^[a-z][a-z0-9_]*$/);
  });
});

describe('severityOf defaults (PRODUCT.md severity table)', () => {
  it.each<[string, Record<string, unknown>, Severity]>([
    // SEV1: API unreachable (DNS, TCP, TLS)
    ['dns_nxdomain', {}, 'SEV1'],
    ['dns_servfail', {}, 'SEV1'],
    ['tcp_refused', {}, 'SEV1'],
    ['tcp_timeout', {}, 'SEV1'],
    ['tls_cert_expired', {}, 'SEV1'],
    ['tls_handshake_failed', {}, 'SEV1'],
    ['http_auth_invalid', {}, 'SEV1'],
    // SEV2: webhook receiver down or rejecting valid deliveries
    ['receiver_unreachable', {}, 'SEV2'],
    ['receiver_rejects_valid_signature', {}, 'SEV2'],
    ['http_server_error', {}, 'SEV2'],
    // SEV3: rate limited; failed webhooks present; any sync drift; slow
    ['http_rate_limited', {}, 'SEV3'],
    ['rate_limited', { share: 0.2 }, 'SEV3'],
    ['failed_webhooks', {}, 'SEV3'],
    ['records_extra_locally', {}, 'SEV3'],
    ['sync_lag', { lagSeconds: 600 }, 'SEV3'],
    ['sync_lag', { lagSeconds: 300 }, 'NONE'],
    ['endpoint_slow', { p95Ms: 1500 }, 'SEV3'],
    // SEV4: cache hit rate low; rate-limit budget low
    ['cache_hit_rate_low', { hitRate: 0.2 }, 'SEV4'],
    ['cache_hit_rate_low', { hitRate: 0.9 }, 'NONE'],
    ['rate_limit_low', {}, 'SEV4'],
    ['status_page_unreachable', {}, 'SEV4'],
    // > 5% of records missing/stale → SEV2, less → SEV3 (any drift)
    ['records_missing_locally', { share: 0.2 }, 'SEV2'],
    ['records_missing_locally', { share: 0.01 }, 'SEV3'],
    ['records_missing_locally', { share: 0.05 }, 'SEV3'],
    ['records_stale_locally', { share: 0.06 }, 'SEV2'],
    ['records_stale_locally', { share: 0.05 }, 'SEV3'],
    // the status page alone never raises SEV1
    ['status_page_degraded', { indicator: 'critical' }, 'SEV2'],
    ['status_page_degraded', { indicator: 'major' }, 'SEV3'],
    ['status_page_degraded', { indicator: 'minor' }, 'SEV4'],
    ['status_page_degraded', { indicator: 'none' }, 'SEV4'],
    // an unknown code is a runbook bug: informational, never silent
    ['no_such_code', {}, 'SEV4'],
  ])('%s %j → %s', (code, evidence, want) => {
    expect(severityOf(obs(code, evidence))).toBe(want);
  });
});

describe('error_rate_high thresholds', () => {
  it.each<[number, Severity]>([
    [0.01, 'NONE'], // not "high": dropped by classify
    [0.05, 'NONE'], // exactly 5% is not "> 5%"
    [0.0501, 'SEV3'],
    [0.3, 'SEV3'],
    [0.5, 'SEV3'], // exactly 50% is not "> 50%"
    [0.5001, 'SEV2'],
    [1, 'SEV2'],
  ])('errorRate %d → %s', (errorRate, want) => {
    expect(severityOf(obs('error_rate_high', { errorRate }))).toBe(want);
  });

  it('uses the configured thresholds', () => {
    const policy: SeverityPolicy = { thresholds: { ...DEFAULT_THRESHOLDS, errorRateMinor: 0.01, errorRateMajor: 0.1 }, overrides: {} };
    expect(severityOf(obs('error_rate_high', { errorRate: 0.02 }), policy)).toBe('SEV3');
    expect(severityOf(obs('error_rate_high', { errorRate: 0.2 }), policy)).toBe('SEV2');
    expect(severityOf(obs('error_rate_high', { errorRate: 0.02 }))).toBe('NONE');
  });

  it('a missing or non-numeric errorRate raises nothing', () => {
    expect(severityOf(obs('error_rate_high', {}))).toBe('NONE');
    expect(severityOf(obs('error_rate_high', { errorRate: '0.9' }))).toBe('NONE');
  });

  it('classify drops what the rules rate NONE', () => {
    const out = classify([obs('error_rate_high', { errorRate: 0.01 }), obs('error_rate_high', { errorRate: 0.2 })], () => []);
    expect(out.map((f) => f.severity)).toEqual(['SEV3']);
  });
});

describe('RB-002 patterns follow their share of requests', () => {
  it.each<[string, number, Severity]>([
    ['auth_errors', 0.001, 'SEV4'],
    ['auth_errors', 0.05, 'SEV4'],
    ['auth_errors', 0.06, 'SEV3'],
    ['forbidden_errors', 0.51, 'SEV2'],
    ['rate_limited', 0.3, 'SEV3'],
    ['server_errors', 0.7, 'SEV2'],
  ])('%s share %d → %s', (code, share, want) => {
    expect(severityOf(obs(code, { share }))).toBe(want);
  });

  it('log_unreadable is SEV3 when nothing could be read, else SEV4', () => {
    expect(severityOf(obs('log_unreadable', { readable: 0 }))).toBe('SEV3');
    expect(severityOf(obs('log_unreadable', { readable: 1 }))).toBe('SEV4');
  });
});

describe('overrides from the policy win', () => {
  it.each<[string, Record<string, unknown>, Severity]>([
    ['http_rate_limited', {}, 'SEV1'],
    ['dns_nxdomain', {}, 'SEV4'],
    ['error_rate_high', { errorRate: 0.9 }, 'SEV4'],
    ['status_page_degraded', { indicator: 'critical' }, 'NONE'],
    ['no_such_code', {}, 'SEV2'],
  ])('%s overridden to %s', (code, evidence, want) => {
    const policy: SeverityPolicy = { thresholds: DEFAULT_THRESHOLDS, overrides: { [code]: want } };
    expect(severityOf(obs(code, evidence), policy)).toBe(want);
  });

  it('an override for another code leaves the default alone', () => {
    const policy: SeverityPolicy = { thresholds: DEFAULT_THRESHOLDS, overrides: { tcp_refused: 'SEV4' } };
    expect(severityOf(obs('dns_nxdomain'), policy)).toBe('SEV1');
  });
});

describe('classify', () => {
  it('rates, attaches mitigation per code, and sorts worst first', () => {
    const out = classify(
      [obs('cache_hit_rate_low', { hitRate: 0.3 }), obs('dns_nxdomain'), obs('http_rate_limited')],
      (code) => [`fix ${code}`],
      DEFAULT_POLICY,
    );
    expect(out.map((f) => [f.code, f.severity])).toEqual([
      ['dns_nxdomain', 'SEV1'],
      ['http_rate_limited', 'SEV3'],
      ['cache_hit_rate_low', 'SEV4'],
    ]);
    expect(out[0]!.mitigation).toEqual(['fix dns_nxdomain']);
  });
});

describe('worst', () => {
  it.each<[Severity[], Severity]>([
    [[], 'NONE'],
    [['NONE'], 'NONE'],
    [['SEV4', 'NONE'], 'SEV4'],
    [['SEV3', 'SEV4'], 'SEV3'],
    [['SEV4', 'SEV2', 'SEV3'], 'SEV2'],
    [['SEV3', 'SEV1', 'SEV2'], 'SEV1'],
  ])('%j → %s', (input, want) => {
    expect(worst(input)).toBe(want);
  });

  it('rank orders SEV1 worst', () => {
    expect(rank('SEV1')).toBeLessThan(rank('SEV2'));
    expect(rank('SEV4')).toBeLessThan(rank('NONE'));
  });
});

describe('atOrAbove', () => {
  it.each<[Severity, Severity, boolean]>([
    ['SEV1', 'SEV3', true],
    ['SEV3', 'SEV3', true],
    ['SEV4', 'SEV3', false],
    ['SEV2', 'SEV1', false],
    ['SEV1', 'SEV1', true],
    ['SEV4', 'SEV4', true],
    ['NONE', 'SEV4', false],
    // --fail-on none = never (README: "`none` = never"): nothing gates
    ['SEV1', 'NONE', false],
    ['SEV4', 'NONE', false],
    ['NONE', 'NONE', false],
  ])('%s at or above %s → %s', (s, threshold, want) => {
    expect(atOrAbove(s, threshold)).toBe(want);
  });
});

describe('statusFromFindings', () => {
  it.each<[Severity[], string]>([
    [[], 'ok'],
    [['SEV4'], 'warn'],
    [['SEV3'], 'warn'],
    [['SEV3', 'SEV4'], 'warn'],
    [['SEV2'], 'fail'],
    [['SEV1'], 'fail'],
    [['SEV4', 'SEV1'], 'fail'],
    [['NONE'], 'ok'],
  ])('%j → %s', (sevs, want) => {
    expect(statusFromFindings(sevs.map((s) => finding(s)))).toBe(want);
  });
});

describe('parseSeverity', () => {
  it.each<[string, Severity | undefined]>([
    ['SEV1', 'SEV1'],
    ['sev2', 'SEV2'],
    ['Sev-3', 'SEV3'],
    ['P1', 'SEV1'],
    ['p4', 'SEV4'],
    ['3', 'SEV3'],
    [' sev4 ', 'SEV4'],
    ['none', 'NONE'],
    ['NONE', 'NONE'],
    ['sev5', undefined],
    ['0', undefined],
    ['high', undefined],
    ['', undefined],
    ['SEV1x', undefined],
  ])('%j → %s', (input, want) => {
    expect(parseSeverity(input)).toBe(want);
  });
});
