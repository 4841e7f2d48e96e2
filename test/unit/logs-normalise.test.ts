// Endpoints grouped by shape: ids, UUIDs, tokens → :id; query and fragment dropped.
import { describe, expect, it } from 'vitest';
import { EndpointNormaliser, isIdSegment, normaliseEndpoint } from '../../src/logs/normalise.js';

describe('normaliseEndpoint', () => {
  const cases: Array<[string, string]> = [
    ['/v1/workorders/123?x=1', '/v1/workorders/:id'],
    ['/v1/workorders/456', '/v1/workorders/:id'],
    ['/v1/workorders', '/v1/workorders'],
    ['/v1/workorders/', '/v1/workorders'],
    ['/v1/workorders/123/', '/v1/workorders/:id'],
    ['/v1/workorders/123/status', '/v1/workorders/:id/status'],
    ['/v1/workorders/123/comments/9', '/v1/workorders/:id/comments/:id'],
    ['/v1/parts/5f3c9a2b-1d2e-4f5a-9b8c-0123456789ab', '/v1/parts/:id'],
    ['/v1/parts/5F3C9A2B-1D2E-4F5A-9B8C-0123456789AB', '/v1/parts/:id'],
    ['/v1/files/abcdef0123456789', '/v1/files/:id'],
    ['/v1/files/64b7f0c2e4a1', '/v1/files/:id'],
    ['/v1/tokens/tok_8fJ2kLm9Qz1xYw3R', '/v1/tokens/:id'],
    ['/v1/users/me', '/v1/users/me'],
    ['/v1/work-orders-archive', '/v1/work-orders-archive'],
    ['/v2/assets', '/v2/assets'],
    ['/', '/'],
    ['', '/'],
    ['?x=1', '/'],
    ['/v1/a#frag', '/v1/a'],
    ['/v1/a?b=/c/1', '/v1/a'],
    ['https://api.getmaintainx.com/v1/workorders/42?x=1', '/v1/workorders/:id'],
    ['http://api.example.com', '/'],
    ['http://10.0.0.5:8080/v1/assets/7', '/v1/assets/:id'],
    ['/v1/café/123', '/v1/café/:id'],
    ['*', '*'],
    ['(malformed request)', '(malformed request)'],
  ];
  for (const [raw, want] of cases) it(`${JSON.stringify(raw)} → ${want}`, () => expect(normaliseEndpoint(raw)).toBe(want));

  it('a URL in the query string is not the request URL (/r?u=http://x.io/a → /r)', () => {
    expect(normaliseEndpoint('/r?u=http://x.io/a')).toBe('/r');
    expect(normaliseEndpoint('/go?u=https://a/b/123')).toBe('/go');
  });
});

describe('isIdSegment', () => {
  it('ids', () => {
    for (const s of ['0', '123', '5f3c9a2b-1d2e-4f5a-9b8c-0123456789ab', 'abcdef012345', 'tok_8fJ2kLm9Qz1xYw3R']) expect({ s, id: isIdSegment(s) }).toEqual({ s, id: true });
  });
  it('route names', () => {
    for (const s of ['v1', 'workorders', 'me', 'status', 'abcdef', 'work-orders', 'oauth2']) expect({ s, id: isIdSegment(s) }).toEqual({ s, id: false });
  });
});

describe('EndpointNormaliser', () => {
  it('memoises and stays right after its bounded cache is cleared', () => {
    const n = new EndpointNormaliser(2);
    const raws = ['/v1/a/1', '/v1/b/2', '/v1/c/3', '/v1/a/1', '/v1/d?x', '/v1/b/2'];
    expect(raws.map((r) => n.normalise(r))).toEqual(raws.map(normaliseEndpoint));
  });
});
