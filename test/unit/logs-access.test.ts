// CLF / Combined parsing on bytes: spans, IPv6 hosts, escaped quotes, and the
// request target made from the quoted request.
import { describe, expect, it } from 'vitest';
import { isCombined, parseAccessLine, requestTarget, unescapeRequest, type AccessSpans } from '../../src/logs/access-log.js';
import { normaliseEndpoint } from '../../src/logs/normalise.js';

const spans = (): AccessSpans => ({ status: 0, reqStart: 0, reqEnd: 0, timeStart: 0, timeEnd: 0 });

/** Parses `line` as a view inside a bigger buffer (lines before and after), as readLog does. */
function parse(line: string, before = 'junk "quote" [x] 200\n', after = '\n1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] "GET /next HTTP/1.1" 200 1 "-" "-"') {
  const buf = Buffer.from(before + line + after);
  const s = Buffer.byteLength(before);
  const e = s + Buffer.byteLength(line);
  const sp = spans();
  if (!parseAccessLine(buf, s, e, sp)) return null;
  return { status: sp.status, request: buf.toString('utf8', sp.reqStart, sp.reqEnd), time: buf.toString('utf8', sp.timeStart, sp.timeEnd), combined: isCombined(buf, s, e, sp) };
}

const T = '10/Oct/2026:13:55:36 -0700';

describe('parseAccessLine', () => {
  it('Combined (nginx default) line', () => {
    expect(parse(`203.0.113.9 - - [${T}] "GET /v1/workorders/123?x=1 HTTP/1.1" 404 153 "https://app.example.com/" "Mozilla/5.0 (X11; Linux x86_64)"`)).toEqual({
      status: 404,
      request: 'GET /v1/workorders/123?x=1 HTTP/1.1',
      time: T,
      combined: true,
    });
  });

  it('Common (Apache) line, also with nothing after the status', () => {
    expect(parse(`127.0.0.1 - frank [${T}] "GET /apache_pb.gif HTTP/1.0" 200 2326`)).toEqual({ status: 200, request: 'GET /apache_pb.gif HTTP/1.0', time: T, combined: false });
    expect(parse(`127.0.0.1 - - [${T}] "GET / HTTP/1.0" 503`)).toMatchObject({ status: 503, request: 'GET / HTTP/1.0' });
  });

  it('Combined with extra fields after the user agent (request time, upstream)', () => {
    expect(parse(`10.0.0.1 - - [${T}] "POST /v1/assets HTTP/2.0" 502 0 "-" "curl/8.5.0" 0.012 "10.1.0.5:8080"`)).toMatchObject({ status: 502, request: 'POST /v1/assets HTTP/2.0', combined: true });
  });

  describe('IPv6 client addresses', () => {
    for (const host of ['2001:db8::1', '::1', '[::1]', '[2001:db8::1]', 'fe80::1%eth0', '::ffff:192.0.2.1']) {
      it(host, () => {
        expect(parse(`${host} - - [${T}] "GET /v1/x HTTP/1.1" 500 1 "-" "ua"`)).toEqual({ status: 500, request: 'GET /v1/x HTTP/1.1', time: T, combined: true });
      });
    }
  });

  describe('escaped quotes inside the request', () => {
    it('Apache \\" escapes', () => {
      const p = parse(`::1 - - [${T}] "GET /search?q=\\"drop\\" HTTP/1.1" 400 0 "-" "ua"`);
      expect(p).toMatchObject({ status: 400, request: 'GET /search?q=\\"drop\\" HTTP/1.1' });
      expect(requestTarget(unescapeRequest(p!.request))).toBe('/search?q="drop"');
    });
    it('nginx \\x22 escapes', () => {
      const p = parse(`10.0.0.1 - - [${T}] "GET /search?q=\\x22drop\\x22 HTTP/1.1" 400 0 "-" "ua"`);
      expect(p).toMatchObject({ status: 400, request: 'GET /search?q=\\x22drop\\x22 HTTP/1.1' });
      expect(requestTarget(unescapeRequest(p!.request))).toBe('/search?q="drop"');
    });
    it('an escaped backslash right before the closing quote closes the request', () => {
      const p = parse(`10.0.0.1 - - [${T}] "GET /a\\\\ HTTP/1.1\\\\" 404 0 "-" "ua"`);
      expect(p).toMatchObject({ status: 404, request: 'GET /a\\\\ HTTP/1.1\\\\' });
    });
    it('an escaped quote right before the status does not close the request', () => {
      expect(parse(`10.0.0.1 - - [${T}] "GET /a\\" 404 0`)).toBeNull();
    });
  });

  it('requests nginx writes for junk: "-", "" and TLS bytes on the plain port', () => {
    expect(parse(`10.0.0.1 - - [${T}] "-" 400 0 "-" "-"`)).toMatchObject({ status: 400, request: '-' });
    expect(parse(`10.0.0.1 - - [${T}] "" 408 0 "-" "-"`)).toMatchObject({ status: 408, request: '' });
    const tls = parse(`10.0.0.1 - - [${T}] "\\x16\\x03\\x01\\x00\\xA5\\x01\\x00\\x00\\xA1\\x03\\x03" 400 157 "-" "-"`);
    expect(tls).toMatchObject({ status: 400 });
    expect(requestTarget(unescapeRequest(tls!.request))).toBe('(malformed request)');
  });

  describe('not access-log lines', () => {
    const bad: Array<[string, string]> = [
      ['empty', ''],
      ['JSON', '{"status":500,"url":"/a","time":"[x]"}'],
      ['no time', '10.0.0.1 - - "GET / HTTP/1.1" 200 1'],
      ['time not closed', `10.0.0.1 - - [${T} "GET / HTTP/1.1" 200 1`],
      ['no quoted request', `10.0.0.1 - - [${T}] GET / HTTP/1.1 200 1`],
      ['request not closed', `10.0.0.1 - - [${T}] "GET / HTTP/1.1 200 1`],
      ['status 600', `10.0.0.1 - - [${T}] "GET / HTTP/1.1" 600 1`],
      ['status 099', `10.0.0.1 - - [${T}] "GET / HTTP/1.1" 099 1`],
      ['status letters', `10.0.0.1 - - [${T}] "GET / HTTP/1.1" abc 1`],
      ['status of four digits', `10.0.0.1 - - [${T}] "GET / HTTP/1.1" 5000 1`],
      ['status of two digits', `10.0.0.1 - - [${T}] "GET / HTTP/1.1" 50`],
      ['no space before the status', `10.0.0.1 - - [${T}] "GET / HTTP/1.1"500 1`],
      ['starts with the time (no host)', `[${T}] "GET / HTTP/1.1" 200 1`],
      ['an nginx error-log line', '2026/10/10 13:55:36 [error] 1234#0: *5 connect() failed (111: Connection refused) while connecting to upstream'],
    ];
    for (const [name, line] of bad) it(name, () => expect(parse(line)).toBeNull());
  });

  it('looks only inside [s, e): the bytes after the view never make it a line', () => {
    const good = `10.0.0.1 - - [${T}] "GET / HTTP/1.1" 200 1`;
    const buf = Buffer.from(good);
    // every view that ends before the status is complete must be refused
    for (let e = 0; e <= buf.length - 4; e++) expect(parseAccessLine(buf, 0, e, spans())).toBe(false);
    expect(parseAccessLine(buf, 0, buf.length, spans())).toBe(true);
  });
});

describe('requestTarget / unescapeRequest', () => {
  it('takes the target of METHOD target PROTOCOL', () => {
    expect(requestTarget('GET /v1/a?b=1 HTTP/1.1')).toBe('/v1/a?b=1');
    expect(requestTarget('GET /v1/a')).toBe('/v1/a');
    expect(requestTarget('OPTIONS * HTTP/1.1')).toBe('*');
    expect(requestTarget('GET http://proxy.example/v1/a HTTP/1.1')).toBe('http://proxy.example/v1/a');
  });
  it('labels missing and malformed requests', () => {
    expect(requestTarget('-')).toBe('(no request line)');
    expect(requestTarget('')).toBe('(no request line)');
    expect(requestTarget('garbage')).toBe('(malformed request)');
    expect(requestTarget('GET  HTTP/1.1')).toBe('(malformed request)');
  });
  it('undoes \\" \\\\ and \\xHH escapes', () => {
    expect(unescapeRequest('GET /a\\"b\\x22c\\\\d\\x2Fe HTTP/1.1')).toBe('GET /a"b"c\\d/e HTTP/1.1');
    const plain = 'GET /a HTTP/1.1';
    expect(unescapeRequest(plain)).toBe(plain);
  });
  it('the unescaped target normalises like any endpoint', () => {
    expect(normaliseEndpoint(requestTarget(unescapeRequest('GET /v1/workorders/123?q=\\x22x\\x22 HTTP/1.1')))).toBe('/v1/workorders/:id');
  });
});
