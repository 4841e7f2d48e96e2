// JsonScanner must accept exactly what JSON.parse accepts as one object, and
// the values it picks out must be JSON.parse's values at the target paths.
import { describe, expect, it } from 'vitest';
import { JsonScanner, ValueKind } from '../../src/logs/json-scan.js';
import { getPath } from '../../src/logs/ndjson.js';
import { T0, bunyan, expressWinston, generic, genRequests, int, pick, pinoHttp, rng, winston, type Rng } from '../helpers/log-fixtures.js';

const PATHS = ['res.statusCode', 'req.url', 'time', 'status', 'url', 'meta.res.statusCode', 'meta.req.url', 'a', 'a.b', 'a.b.c', 'level', 'msg', 'x'];
const scanner = new JsonScanner(PATHS.map((p) => p.split('.')));
const OTHER = Symbol('object, array, boolean or null');

const bytes = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s);

/** JSON.parse's verdict: one plain object, or not. */
function oracle(buf: Buffer): { valid: boolean; value?: unknown } {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch {
    return { valid: false };
  }
  return { valid: typeof v === 'object' && v !== null && !Array.isArray(v), value: v };
}

/** What the scanner extracted for target t, as a JS value. */
function extracted(buf: Buffer, t: number): unknown {
  const s = scanner.starts[t]!;
  const e = scanner.ends[t]!;
  switch (scanner.kinds[t]) {
    case ValueKind.None:
      return undefined;
    case ValueKind.String:
      return scanner.escaped[t] ? JSON.parse(`"${buf.toString('utf8', s, e)}"`) : buf.toString('utf8', s, e);
    case ValueKind.Number:
      return Number(buf.toString('latin1', s, e));
    default:
      return OTHER;
  }
}

function expectedAt(obj: unknown, path: string): unknown {
  const v = getPath(obj, path);
  return v === undefined || typeof v === 'string' || typeof v === 'number' ? v : OTHER;
}

/** Every disagreement between the scanner and JSON.parse on one input. */
function disagreements(input: string | Buffer): string[] {
  const buf = bytes(input);
  const o = oracle(buf);
  const got = scanner.scan(buf, 0, buf.length);
  const show = JSON.stringify(buf.toString('utf8')).slice(0, 300);
  if (got !== o.valid) return [`${show}: scan=${got}, JSON.parse says ${o.valid ? 'one object' : 'not one object'}`];
  if (!got) return [];
  const out: string[] = [];
  PATHS.forEach((p, t) => {
    const want = expectedAt(o.value, p);
    const have = extracted(buf, t);
    if (!Object.is(want, have)) out.push(`${show}: ${p}: scanner ${String(have)}, JSON.parse ${String(want)}`);
  });
  return out;
}

/** Scans inside a bigger buffer (other lines around it), as readLog does with chunk views. */
function scanIn(line: string, before = '{"noise":1}\n', after = '\n{"noise":2}'): boolean {
  const buf = Buffer.from(before + line + after);
  const s = Buffer.byteLength(before);
  return scanner.scan(buf, s, s + Buffer.byteLength(line));
}

describe('JsonScanner: validity matches JSON.parse on hand-written edge cases', () => {
  const cases: Array<[string, string, boolean]> = [
    ['empty object', '{}', true],
    ['whitespace around (space, tab, CR)', ' \t{ }\r ', true],
    ['whitespace everywhere', '{ "a" : 1 , "b" : [ 1 , 2 , { } ] }', true],
    ['negative zero', '{"a":-0}', true],
    ['1e-5', '{"a":1e-5}', true],
    ['1E+5', '{"a":1E+5}', true],
    ['fraction with exponent', '{"a":-12.5e-3}', true],
    ['huge exponent (Infinity for JSON.parse, still valid)', '{"a":1e400}', true],
    ['leading zero 01', '{"a":01}', false],
    ['-01', '{"a":-01}', false],
    ['00', '{"a":00}', false],
    ['lone minus', '{"a":-}', false],
    ['1.', '{"a":1.}', false],
    ['.5', '{"a":.5}', false],
    ['+1', '{"a":+1}', false],
    ['1e', '{"a":1e}', false],
    ['1e+', '{"a":1e+}', false],
    ['hex', '{"a":0x10}', false],
    ['NaN', '{"a":NaN}', false],
    ['Infinity', '{"a":Infinity}', false],
    ['unicode escape', '{"a":"\\u00e9\\u00E9"}', true],
    ['surrogate pair escape', '{"a":"\\uD83D\\uDE00"}', true],
    ['lone surrogate escape (JSON.parse accepts it)', '{"a":"\\ud800"}', true],
    ['short unicode escape', '{"a":"\\u12"}', false],
    ['short unicode escape at the end', '{"a":"\\u12', false],
    ['bad unicode escape', '{"a":"\\u12g4"}', false],
    ['\\x escape', '{"a":"\\x41"}', false],
    ["\\' escape", '{"a":"\\\'"}', false],
    ['all simple escapes', '{"a":"\\"\\\\\\/\\b\\f\\n\\r\\t"}', true],
    ['escaped backslash before the closing quote', '{"a":"x\\\\"}', true],
    ['escaped quote does not close', '{"a":"x\\"}', false],
    ['single-quoted string', "{\"a\":'x'}", false],
    ['raw NUL in a string', '{"a":"x\u0000y"}', false],
    ['raw tab in a string', '{"a":"tab\there"}', false],
    ['raw newline in a string', '{"a":"x\ny"}', false],
    ['raw 0x1f in a string', '{"a":"x\u001fy"}', false],
    ['raw DEL in a string is fine', '{"a":"x\u007fy"}', true],
    ['non-ASCII in a string', '{"a":"café ☃ 😀"}', true],
    ['nested arrays', '{"a":[[[]]],"b":[{},[{}],[[1,[2]]]]}', true],
    ['empty nested object and array', '{"a":{},"b":[]}', true],
    ['trailing comma in object', '{"a":1,}', false],
    ['trailing comma in array', '{"a":[1,]}', false],
    ['leading comma in array', '{"a":[,1]}', false],
    ['comma only', '{,}', false],
    ['missing comma', '{"a":1 "b":2}', false],
    ['missing colon', '{"a" 1}', false],
    ['double colon', '{"a"::1}', false],
    ['unquoted key', '{a:1}', false],
    ['number key', '{1:1}', false],
    ['empty key', '{"":1}', true],
    ['escaped key', '{"a\\u0000b":1}', true],
    ['true/false/null', '{"a":true,"b":false,"c":null}', true],
    ['truncated literal', '{"a":tru}', false],
    ['literal with junk', '{"a":truex}', false],
    ['literal case', '{"a":True}', false],
    ['two objects', '{"a":1}{"b":2}', false],
    ['object then junk', '{"a":1} x', false],
    ['unclosed object', '{"a":1', false],
    ['unclosed nested', '{"a":{"b":1}', false],
    ['unclosed string', '{"a":"x}', false],
    ['extra closer', '{"a":1}}', false],
    ['mismatched closer', '{"a":[1}', false],
    ['mismatched closer 2', '{"a":{"b":1]}', false],
    ['array at top level', '[{"a":1}]', false],
    ['empty array at top level', '[]', false],
    ['null at top level', 'null', false],
    ['string at top level', '"x"', false],
    ['number at top level', '42', false],
    ['true at top level', 'true', false],
    ['empty input', '', false],
    ['whitespace only', '   ', false],
    ['lone {', '{', false],
    ['lone }', '}', false],
    ['BOM inside the line (not JSON whitespace)', '\uFEFF{}', false],
    ['NBSP after the object (not JSON whitespace)', '{}\u00a0', false],
    ['vertical tab between tokens', '{"a":1\u000b}', false],
    ['form feed between tokens', '{\u000c}', false],
    ['duplicate keys', '{"a":1,"a":2}', true],
  ];
  for (const [name, text, valid] of cases) {
    it(`${name}: ${valid ? 'valid' : 'invalid'}`, () => {
      expect(oracle(bytes(text)).valid).toBe(valid); // the table itself is right
      expect(scanner.scan(bytes(text), 0, Buffer.byteLength(text))).toBe(valid);
      expect(disagreements(text)).toEqual([]);
      // Same answer on a view inside a bigger buffer (readLog scans chunk views).
      expect(scanIn(text)).toBe(valid);
    });
  }

  it('a truncated view is judged on the view only, not on the bytes after it', () => {
    const buf = Buffer.from('{"a":"x"}');
    for (let e = 0; e < buf.length; e++) expect(scanner.scan(buf, 0, e)).toBe(false);
    expect(scanner.scan(buf, 0, buf.length)).toBe(true);
    // a string whose closing quote lies just past the view
    const b2 = Buffer.from('{"a":"x\\"}\n"}');
    expect(scanner.scan(b2, 0, 10)).toBe(false);
  });

  it('invalid UTF-8 inside a string does not make the line invalid (JSON.parse sees U+FFFD); outside a string it does', () => {
    const inside = Buffer.concat([Buffer.from('{"url":"/v1/caf'), Buffer.from([0xff, 0xc3]), Buffer.from('/1","status":500}')]);
    expect(scanner.scan(inside, 0, inside.length)).toBe(true);
    expect(disagreements(inside)).toEqual([]);
    expect(extracted(inside, PATHS.indexOf('url'))).toBe('/v1/caf\uFFFD\uFFFD/1');
    const outside = Buffer.concat([Buffer.from('{"a":1'), Buffer.from([0xff]), Buffer.from('}')]);
    expect(scanner.scan(outside, 0, outside.length)).toBe(false);
    expect(disagreements(outside)).toEqual([]);
  });
});

describe('JsonScanner: extracted values equal JSON.parse at the target paths', () => {
  const valueCases: Array<[string, string]> = [
    ['pino-http', pinoHttp({ status: 503, url: '/v1/workorders/9?x=1', timeMs: T0 })],
    ['express-winston', expressWinston({ status: 404, url: '/v1/assets/3', timeMs: T0 })],
    ['string status', '{"status":"503","url":"/a"}'],
    ['escaped string value', '{"url":"\\/v1\\/caf\\u00e9\\/\\"q\\"","msg":"a\\nb"}'],
    ['number forms', '{"time":-0,"status":1e-5,"level":1E+3,"x":-12.5e-3}'],
    ['deep path a.b.c', '{"a":{"b":{"c":"deep"}}}'],
    ['a.b.c absent under a.b', '{"a":{"b":{"d":1}}}'],
    ['a.b is not an object', '{"a":{"b":7}}'],
    ['a is an array: a.b never extracted', '{"a":[{"b":1}]}'],
    ['target inside an array element is not a target', '{"x":[{"status":500}],"status":200}'],
    ['same key deeper is not the top-level key', '{"x":{"status":500},"status":201}'],
    ['booleans and null are "other"', '{"status":null,"url":true,"x":false}'],
    ['object and array values are "other"', '{"status":{"code":500},"url":["/a"]}'],
    ['keys after nested containers still match', '{"meta":{"req":{"h":[1,{"u":[]}]},"res":{"statusCode":502}},"x":"after"}'],
    ['empty key and empty string', '{"":"x","url":""}'],
  ];
  for (const [name, text] of valueCases) {
    it(name, () => {
      expect(scanner.scan(bytes(text), 0, Buffer.byteLength(text))).toBe(true);
      expect(disagreements(text)).toEqual([]);
    });
  }

  it('reports which string values held escapes (escaped flag)', () => {
    const t = '{"url":"\\/a","msg":"plain"}';
    expect(scanner.scan(bytes(t), 0, t.length)).toBe(true);
    expect(scanner.escaped[PATHS.indexOf('url')]).toBe(1);
    expect(scanner.escaped[PATHS.indexOf('msg')]).toBe(0);
  });

  it('targets absent from a line are None even after a line that had them', () => {
    const a = '{"status":500,"url":"/a"}';
    const b = '{"msg":"hi"}';
    expect(scanner.scan(bytes(a), 0, a.length)).toBe(true);
    expect(scanner.scan(bytes(b), 0, b.length)).toBe(true);
    expect(scanner.kinds[PATHS.indexOf('status')]).toBe(ValueKind.None);
    expect(scanner.kinds[PATHS.indexOf('url')]).toBe(ValueKind.None);
  });

  describe('duplicate keys: the last one wins, as with JSON.parse', () => {
    const dupCases: Array<[string, string]> = [
      ['same level, numbers', '{"status":500,"status":404}'],
      ['same level, number then object', '{"status":500,"status":{"x":1}}'],
      ['same level, object then number', '{"status":{"x":1},"status":404}'],
      ['same level, string then null', '{"url":"/a","url":null}'],
      ['duplicate parent, both with the child', '{"res":{"statusCode":500},"res":{"statusCode":404}}'],
      ['duplicate parent, the child only in the last', '{"res":{},"res":{"statusCode":404}}'],
    ];
    for (const [name, text] of dupCases) {
      it(name, () => {
        expect(disagreements(text)).toEqual([]);
      });
    }

    it('duplicate parent whose last value lacks the child: the earlier child is gone (JSON.parse: undefined)', () => {
      const texts = [
        '{"res":{"statusCode":500},"res":{}}',
        '{"res":{"statusCode":500},"res":null}',
        '{"a":{"b":{"c":"x"}},"a":5}',
        '{"meta":{"res":{"statusCode":503}},"meta":[]}',
      ];
      expect(texts.flatMap(disagreements)).toEqual([]);
    });
  });

  it('documented limit: a key written with escapes never matches a target (JSON.parse would decode it)', () => {
    const t = '{"st\\u0061tus":500}';
    expect(scanner.scan(bytes(t), 0, t.length)).toBe(true);
    expect(scanner.kinds[PATHS.indexOf('status')]).toBe(ValueKind.None);
  });

  it('deep nesting that JSON.parse accepts is one valid object (depth 31 .. 200)', () => {
    for (const depth of [29, 31, 40, 200]) {
      const arrays = `{"a":${'['.repeat(depth)}${']'.repeat(depth)},"status":500}`;
      const objects = `${'{"x":'.repeat(depth)}{}${'}'.repeat(depth)}`;
      for (const t of [arrays, objects]) {
        expect(oracle(bytes(t)).valid).toBe(true);
        expect({ depth, valid: scanner.scan(bytes(t), 0, t.length) }).toEqual({ depth, valid: true });
      }
    }
  });

  it('refuses more than 30 target paths', () => {
    expect(() => new JsonScanner(Array.from({ length: 31 }, (_, i) => [`k${i}`]))).toThrow();
    expect(() => new JsonScanner(Array.from({ length: 30 }, (_, i) => [`k${i}`]))).not.toThrow();
  });
});

// ---- fuzz -------------------------------------------------------------------

const KEYS = ['res', 'req', 'statusCode', 'url', 'status', 'time', 'meta', 'a', 'b', 'c', 'x', 'level', 'msg', ''];
const NUMBERS = ['0', '-0', '1e-5', '1E+5', '12.5', '-3.25e10', '503', '404', '200', '1e400', '0.0', '-1', '7'];
const STRINGS = ['"\\u00e9"', '"\\ud83d\\ude00"', '"\\"q\\""', '"\\\\"', '"a\\/b"', '"tab\\t"', '"é☃"', '""', '"/v1/x?y=1"', '"503"', '"2026-12-01T10:00:00Z"'];
const WS = ['', '', '', ' ', '\t', '\r', '\n', '  '];

/** Random JSON text, built by hand so numbers and strings keep their spelling. Keys are unique per object. */
function genValue(r: Rng, depth: number): string {
  const ws = () => pick(r, WS);
  const k = r();
  if (depth > 0 && k < 0.3) {
    const keys = [...KEYS].sort(() => r() - 0.5).slice(0, int(r, 5));
    return `{${ws()}${keys.map((key) => `"${key}"${ws()}:${ws()}${genValue(r, depth - 1)}${ws()}`).join(`,${ws()}`)}}`;
  }
  if (depth > 0 && k < 0.45) return `[${ws()}${Array.from({ length: int(r, 4) }, () => genValue(r, depth - 1)).join(`${ws()},${ws()}`)}${ws()}]`;
  if (k < 0.65) return pick(r, NUMBERS);
  if (k < 0.9) return pick(r, STRINGS);
  return pick(r, ['true', 'false', 'null']);
}

function genObject(r: Rng): string {
  const keys = [...KEYS].sort(() => r() - 0.5).slice(0, 1 + int(r, 6));
  return `${pick(r, WS)}{${keys.map((key) => `"${key}":${genValue(r, 4)}`).join(',')}}${pick(r, WS)}`;
}

const ALPHABET = [
  ...'{}[]":,\\ \t0123456789-+.eEtfnulrsaz/'.split('').map((c) => c.charCodeAt(0)),
  0x00, 0x0a, 0x0d, 0x1f, 0x7f, 0x80, 0xbf, 0xc3, 0xa9, 0xe2, 0xff,
];
const FRAGMENTS = ['{}', '[]', '""', '-0', '1e-5', '01', 'null', 'true', '"\\u00e9"', '"\\ud83d\\ude00"', ',', ':', '"status":500,', '{"a":', ']]', '}}'];

function mutate(r: Rng, input: Buffer): Buffer {
  let b = Buffer.from(input);
  const ops = 1 + int(r, 3);
  for (let n = 0; n < ops; n++) {
    const at = int(r, b.length + 1);
    switch (int(r, 7)) {
      case 0: // insert a byte
        b = Buffer.concat([b.subarray(0, at), Buffer.from([pick(r, ALPHABET)]), b.subarray(at)]);
        break;
      case 1: // delete a byte
        if (b.length) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
        break;
      case 2: // replace a byte
        if (at < b.length) b[at] = pick(r, ALPHABET);
        break;
      case 3: // truncate
        b = b.subarray(0, at);
        break;
      case 4: {
        // duplicate a span somewhere else
        const s = int(r, b.length + 1);
        const e = Math.min(b.length, s + 1 + int(r, 24));
        b = Buffer.concat([b.subarray(0, at), b.subarray(s, e), b.subarray(at)]);
        break;
      }
      case 5: // insert a JSON-ish fragment
        b = Buffer.concat([b.subarray(0, at), Buffer.from(pick(r, FRAGMENTS)), b.subarray(at)]);
        break;
      default: {
        // delete a span
        const e = Math.min(b.length, at + 1 + int(r, 12));
        b = Buffer.concat([b.subarray(0, at), b.subarray(e)]);
      }
    }
  }
  return b;
}

function realisticLines(): string[] {
  const reqs = genRequests(7, 12);
  return [
    ...reqs.map((q, i) => pinoHttp(q, i)),
    ...reqs.slice(0, 4).map(bunyan),
    ...reqs.slice(4, 8).map(expressWinston),
    ...reqs.slice(8, 12).map(winston),
    generic(reqs[0]!, 'status_code', 'endpoint'),
    generic(reqs[1]!, 'statusCode', 'path'),
    '{"level":30,"time":1764583200000,"msg":"server listening","port":8080,"tags":["a",["b",{}]],"ok":true,"err":null}',
    '{"url":"\\/v1\\/caf\\u00e9\\/\\"x\\"","status":"503","a":{"b":{"c":-0.5e-3}},"x":[1e-5,-0,{"status":404}]}',
    '{ "status" : 500 , "url" : "/v1/a" , "meta" : { "res" : { "statusCode" : 502 } , "req" : { "url" : "/v1/b" } } }',
  ];
}

describe('JsonScanner: fuzz against JSON.parse (seeded, deterministic)', () => {
  it('agrees on 3000 mutations of realistic log lines', () => {
    const r = rng(20261201);
    const bases = realisticLines().map((l) => Buffer.from(l));
    const bad: string[] = [];
    let validSeen = 0;
    for (let i = 0; i < 3000; i++) {
      const m = mutate(r, pick(r, bases));
      const d = disagreements(m);
      if (oracle(m).valid) validSeen++;
      if (d.length && bad.length < 10) bad.push(...d);
    }
    expect(bad).toEqual([]);
    expect(validSeen).toBeGreaterThan(100); // the mutations do not only produce garbage
  });

  it('agrees on 1500 random valid objects and 1500 mutations of them (numbers, escapes, nesting, whitespace)', () => {
    const r = rng(42);
    const bad: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const text = genObject(r);
      expect(oracle(bytes(text)).valid).toBe(true);
      const b = bytes(text);
      for (const input of [b, mutate(r, b)]) {
        const d = disagreements(input);
        if (d.length && bad.length < 10) bad.push(...d);
      }
    }
    expect(bad).toEqual([]);
  });
});
