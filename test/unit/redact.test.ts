import { describe, expect, it } from 'vitest';
import { Redactor, passwordOfUrl, secretsFromEnv } from '../../src/core/redact.js';

const MASK = '[REDACTED]';

describe('known secrets', () => {
  const key = 'mx_live_9f8e7d6c5b4a';
  const tricky = 's3cr3t/key+val=';

  it.each<[string, string, string]>([
    ['plain', `key is ${key}.`, `key is ${MASK}.`],
    ['several times', `${key} ${key}`, `${MASK} ${MASK}`],
    ['inside JSON', JSON.stringify({ k: key }), JSON.stringify({ k: MASK })],
    ['URL-encoded', `GET https://x.example/?k=${encodeURIComponent(tricky)}`, `GET https://x.example/?k=${MASK}`],
    ['raw form of a key with URL metacharacters', `k=${tricky}`, `k=${MASK}`],
  ])('%s', (_name, input, want) => {
    const r = new Redactor([key, tricky]);
    expect(r.redact(input)).toBe(want);
  });

  it('a secret containing another is masked whole (longest first)', () => {
    const r = new Redactor(['abcd', 'abcdefgh']);
    expect(r.redact('x abcdefgh y')).toBe(`x ${MASK} y`);
  });

  it('values shorter than 4 characters and empty values are not registered (they would mask noise)', () => {
    const r = new Redactor(['abc', '', undefined]);
    expect(r.redact('abc def')).toBe('abc def');
  });

  it('add() registers later secrets', () => {
    const r = new Redactor();
    r.add('late-secret-1');
    expect(r.redact('late-secret-1')).toBe(MASK);
  });

  it('a secret with JSON metacharacters is masked in JSON output too', () => {
    // renderJson goes through JSON.stringify, which escapes `"` and `\`;
    // Redis passwords in particular can contain them.
    const pw = 'p"w\\rd-42';
    const r = new Redactor([pw]);
    const out = r.redact(JSON.stringify({ error: `AUTH failed for ${pw}` }));
    expect(out).not.toContain(JSON.stringify(pw).slice(1, -1));
    expect(out).not.toContain('rd-42');
  });
});

describe('credential shapes, even when the value was never registered', () => {
  const r = new Redactor();
  it.each<[string, string, string]>([
    ['Bearer token in text', 'sent Bearer eyJhbGciOi.J9.sig-_x', `sent Bearer ${MASK}`],
    ['bearer, lower case, extra spaces', 'bearer    abcdef123', `bearer ${MASK}`],
    ['Authorization header line', 'Authorization: xyz', `Authorization: ${MASK}`],
    ['authorization with a scheme (the scheme is kept)', 'authorization: Bearer abc.def-ghi', `authorization: Bearer ${MASK}`],
    ['Basic auth', 'Proxy-Authorization: Basic dXNlcjpwYXNz', `Proxy-Authorization: Basic ${MASK}`],
    ['curl command line', "curl -H 'Authorization: Bearer tok123456' https://x", `curl -H 'Authorization: Bearer ${MASK}' https://x`],
    ['JSON headers', JSON.stringify({ headers: { Authorization: 'Bearer abc.def' } }), JSON.stringify({ headers: { Authorization: `Bearer ${MASK}` } })],
    ['pretty JSON headers', JSON.stringify({ authorization: 'xyz' }, null, 2), JSON.stringify({ authorization: MASK }, null, 2)],
    ['util.inspect style', "{ authorization: 'Token abc123' }", `{ authorization: 'Token ${MASK}' }`],
    ['authorization= in a query string', 'GET /x?authorization=abc123&y=1', `GET /x?authorization=${MASK}`],
    ['redis://:pw@host', 'connect redis://:hunter2@localhost:6379/0 failed', `connect redis://:${MASK}@localhost:6379/0 failed`],
    ['rediss://user:pw@host', 'rediss://default:pa55w0rd@cache.example:6380', `rediss://default:${MASK}@cache.example:6380`],
    ['https://user:pw@host', 'https://bob:s3cret@proxy.example/x', `https://bob:${MASK}@proxy.example/x`],
    ['whsec_ secret', 'secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw= ok', `secret ${MASK} ok`],
  ])('%s', (_name, input, want) => {
    const out = r.redact(input);
    expect(out).toBe(want);
  });
});

describe('normal text is untouched', () => {
  const r = new Redactor(['mx_live_9f8e7d6c5b4a']);
  it.each([
    'GET /users?limit=1: HTTP 200 in 35 ms (TTFB 30 ms), 99/100 requests left',
    'authorization failed for the user; see the runbook',
    'The API rejected the API key (401 "Invalid token")',
    'http://localhost:8080/v1/users and https://api.getmaintainx.com:443/v1',
    'contact support@getmaintainx.com',
    'redis://localhost:6379/0',
    'webhook whsec is configured',
    JSON.stringify({ code: 'dns_nxdomain', evidence: { host: 'api.getmaintainx.com', durationMs: 3 } }),
    '',
  ])('%j', (text) => {
    expect(r.redact(text)).toBe(text);
  });
});

describe('placeholders in docs and examples are not secrets', () => {
  const r = new Redactor();
  it.each([
    'curl -H "Authorization: Bearer $MAINTAINX_API_KEY" https://api.getmaintainx.com/v1/users',
    'Authorization: Bearer <token>',
    'Authorization: {{apiKey}}',
    'send it as `Authorization: Bearer <token>`',
  ])('%j', (text) => {
    expect(r.redact(text)).toBe(text);
  });

  it('redacting twice changes nothing more', () => {
    const once = r.redact('Authorization: Bearer abc.def and Bearer ghijkl and redis://:pw@h');
    expect(r.redact(once)).toBe(once);
    expect(once).not.toMatch(/abc\.def|ghijkl|:pw@/);
  });
});

describe('secretsFromEnv', () => {
  it('collects the API key, webhook secret, other keys and the Redis password', () => {
    const got = secretsFromEnv({
      MAINTAINX_API_KEY: 'k1-aaaa',
      MAINTAINX_WEBHOOK_SECRET: 'whsec_bbbb',
      FLEXPORT_API_KEY: 'fx-cccc',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
      REDIS_URL: 'redis://:p%40ss-word@host:6379',
      PATH: '/usr/bin',
    });
    expect(got).toEqual(['k1-aaaa', 'whsec_bbbb', 'fx-cccc', 'https://hooks.slack.com/services/T/B/x', 'p@ss-word']);
  });

  it('a Redis URL without a password adds nothing', () => {
    expect(secretsFromEnv({ REDIS_URL: 'redis://localhost:6379' })).toEqual([]);
  });

  it('the decoded Redis password is masked in both its forms', () => {
    const r = new Redactor(secretsFromEnv({ REDIS_URL: 'redis://:p%40ss-word@host:6379' }));
    expect(r.redact('AUTH p@ss-word')).toBe(`AUTH ${MASK}`);
    expect(r.redact('pw=p%40ss-word')).toBe(`pw=${MASK}`);
  });

  it.each<[string, string | undefined]>([
    ['redis://:pw1@h', 'pw1'],
    ['redis://user:a%2Fb@h', 'a/b'],
    ['redis://h:6379', undefined],
    ['not a url', undefined],
  ])('passwordOfUrl(%j) → %j', (url, want) => {
    expect(passwordOfUrl(url)).toBe(want);
  });
});
