// The client's pure parsing of vendor answers: error bodies (MaintainX and
// Flexport shapes) and the rate-limit header families.
import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders, vendorErrorText } from '../../src/vendor/maintainx/client.js';

describe('vendorErrorText', () => {
  it('Flexport: {"error": {"code", "message"}} → "message (code)"', () => {
    const body = '{"_object":"/api/response","error":{"_object":"/api/error","status":401,"code":"unauthorized","message":"Invalid API key"}}';
    expect(vendorErrorText(body)).toBe('Invalid API key (unauthorized)');
    expect(vendorErrorText('{"error":{"message":"Rate limited"}}')).toBe('Rate limited');
    expect(vendorErrorText('{"error":{"code":"not_found"}}')).toBe('not_found');
  });

  it('a Flexport-like error object without code or message falls back to the body', () => {
    expect(vendorErrorText('{"error":{"status":500}}')).toBe('{"error":{"status":500}}');
  });

  it('MaintainX shapes and HTML pages read as before', () => {
    expect(vendorErrorText('{"error":"Invalid token"}')).toBe('Invalid token');
    expect(vendorErrorText('{"errors":[{"error":"Missing x-organization-id header."}]}')).toBe('Missing x-organization-id header.');
    expect(vendorErrorText('{"message":"Internal error"}')).toBe('Internal error');
    expect(vendorErrorText('<html><head><title>502 Bad Gateway</title></head></html>')).toBe('502 Bad Gateway (HTML page)');
    expect(vendorErrorText('')).toBe('(empty body)');
  });
});

describe('parseRateLimitHeaders', () => {
  const NOW = Date.UTC(2026, 0, 1); // epoch ms; NOW / 1000 epoch s

  it('MaintainX X-Rate-Limit-*: reset is seconds from now', () => {
    expect(parseRateLimitHeaders({ 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '99', 'x-rate-limit-reset': '42' }, NOW)).toEqual({ limit: 100, remaining: 99, resetS: 42 });
  });

  it('GitHub-style X-RateLimit-* with an epoch-seconds reset → seconds from now (never negative)', () => {
    expect(parseRateLimitHeaders({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999', 'x-ratelimit-reset': String(NOW / 1000 + 120) }, NOW)).toEqual({ limit: 5000, remaining: 4999, resetS: 120 });
    expect(parseRateLimitHeaders({ 'x-ratelimit-reset': String(NOW / 1000 - 5) }, NOW)).toEqual({ resetS: 0 });
    expect(parseRateLimitHeaders({ 'x-ratelimit-reset': String(NOW / 1000 + 1.5) }, NOW).resetS).toBeCloseTo(1.5, 6);
  });

  it('IETF RateLimit-*: a policy after the number is ignored; 1e9 itself is still seconds', () => {
    expect(parseRateLimitHeaders({ 'ratelimit-limit': '100, 100;w=60', 'ratelimit-remaining': '7', 'ratelimit-reset': '30' }, NOW)).toEqual({ limit: 100, remaining: 7, resetS: 30 });
    expect(parseRateLimitHeaders({ 'ratelimit-reset': '1000000000' }, NOW)).toEqual({ resetS: 1e9 });
  });

  it('each field from the first family that has it: X-Rate-Limit, then X-RateLimit, then RateLimit', () => {
    expect(parseRateLimitHeaders({
      'x-rate-limit-remaining': '3', 'x-ratelimit-remaining': '4', 'ratelimit-remaining': '5',
      'x-ratelimit-limit': '60', 'ratelimit-limit': '70', 'ratelimit-reset': '9',
    }, NOW)).toEqual({ limit: 60, remaining: 3, resetS: 9 });
  });

  it('ignores values that are not numbers', () => {
    expect(parseRateLimitHeaders({ 'x-ratelimit-remaining': 'lots', 'ratelimit-remaining': '-1', 'x-rate-limit-limit': '' }, NOW)).toEqual({});
  });
});
