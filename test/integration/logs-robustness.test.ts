// RB-002: readLog on real-world log files, held to the counting definitions:
// lines, blank, invalid (+ the first five line numbers), other, requests,
// errors and error groups, whatever the source (file, gzip, stdin chunks),
// the line endings, a BOM, broken bytes, huge lines or a --since window.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { getPath } from '../../src/logs/ndjson.js';
import { normaliseEndpoint } from '../../src/logs/normalise.js';
import { readLog, type LogOptions, type LogStats } from '../../src/logs/read-log.js';
import {
  T0,
  byStatusOf,
  clfTime,
  combined,
  common,
  counts,
  expectedByStatus,
  expectedGroups,
  genRequests,
  groupsOf,
  int,
  lines,
  pick,
  pinoHttp,
  readChunks,
  rng,
  splitAt,
  statsOf,
  withTempDir,
  winston,
  type Groups,
} from '../helpers/log-fixtures.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const noStdin = () => Readable.from([]);
const readFile = (path: string, opts: Omit<LogOptions, 'stdin'> = {}) => readLog(path, { ...opts, stdin: noStdin() });

/** Everything the definitions pin down, for comparing two reads of the same log. */
const summary = (st: LogStats) => ({ ...counts(st), format: st.format, groups: groupsOf(st), byStatus: byStatusOf(st) });

// ---- the mixed NDJSON fixture ------------------------------------------------

const p = (status: number | string, url: string, t = T0) => JSON.stringify({ level: 30, time: t, req: { method: 'GET', url }, res: { statusCode: status }, msg: 'request completed' });
const MIXED_LINES = [
  /*  1 other   */ JSON.stringify({ level: 30, time: T0, msg: 'server listening', port: 8080 }),
  /*  2 200     */ p(200, '/v1/workorders/1'),
  /*  3 blank   */ '',
  /*  4 blank   */ '  \t ',
  /*  5 404     */ p(404, '/v1/workorders/123?x=1'),
  /*  6 invalid */ '[1,2,3]',
  /*  7 invalid */ 'null',
  /*  8 invalid */ '"just a string"',
  /*  9 invalid */ '42',
  /* 10 invalid */ '{"level":50,"res":{"statusCode":500}',
  /* 11 invalid */ '{"level":50,"msg":"a\u0000b","req":{"url":"/v1/x"},"res":{"statusCode":500}}',
  /* 12 503     */ p(503, '/v1/assets/77'),
  /* 13 "503"   */ p('503', '/v1/assets/78?fields=name'),
  /* 14 other   */ '{}',
  /* 15 500     */ p(500, '/v1/workorders/77').replace('"/v1/workorders/77"', '"\\/v1\\/workorders\\/77"'),
  /* 16 invalid */ 'not json at all',
  /* 17 429     */ p(429, '/v1/workorders?page=2'),
  /* 18 other   */ JSON.stringify({ level: 30, time: T0, req: { url: '/v1/x' }, res: { statusCode: null } }),
  /* 19 201     */ p(201, '/v1/workorders'),
];
const MIXED = Buffer.from(MIXED_LINES.join('\n')); // no newline after the last line
const MIXED_COUNTS = { lines: 19, blankLines: 2, invalidLines: 7, invalidSamples: [6, 7, 8, 9, 10], otherLines: 3, requests: 7, errors: 5, outsideWindow: 0 };
const MIXED_GROUPS: Groups = { 404: { '/v1/workorders/:id': 1 }, 503: { '/v1/assets/:id': 2 }, 500: { '/v1/workorders/:id': 1 }, 429: { '/v1/workorders': 1 } };
const MIXED_BY_STATUS = { 200: 1, 201: 1, 404: 1, 503: 2, 500: 1, 429: 1 };
const MIXED_SUMMARY = { ...MIXED_COUNTS, format: 'ndjson', groups: MIXED_GROUPS, byStatus: MIXED_BY_STATUS };

describe('readLog: the counting definitions, exactly', () => {
  it('a mixed pino-http file: blank, invalid (arrays, null, strings, numbers, truncated, raw NUL), other, requests, errors, groups', async () => {
    await withTempDir(async (dir) => {
      const f = join(dir, 'app.log');
      await writeFile(f, MIXED);
      const st = await statsOf(readFile(f));
      expect(st.fields).toEqual({ status: 'res.statusCode', endpoint: 'req.url', time: 'time' });
      expect(summary(st)).toEqual(MIXED_SUMMARY);
      expect(st.bytes).toBe(MIXED.length);
    });
  });

  it('the same counts with a trailing newline, with CRLF endings, and with a UTF-8 BOM', async () => {
    const variants = {
      trailingNewline: Buffer.concat([MIXED, Buffer.from('\n')]),
      crlf: Buffer.from(MIXED_LINES.join('\r\n') + '\r\n'),
      bom: Buffer.concat([BOM, MIXED]),
      bomCrlf: Buffer.concat([BOM, Buffer.from(MIXED_LINES.join('\r\n'))]),
    };
    for (const [name, buf] of Object.entries(variants)) {
      expect({ name, ...summary(await statsOf(readChunks([buf]))) }).toEqual({ name, ...MIXED_SUMMARY });
    }
  });

  it('stdin (`-`): the same counts wherever one chunk boundary falls, and with 1-byte chunks', async () => {
    const bad: number[] = [];
    for (let cut = 0; cut <= MIXED.length; cut++) {
      const st = await statsOf(readChunks(splitAt(MIXED, [cut])));
      if (JSON.stringify(summary(st)) !== JSON.stringify(MIXED_SUMMARY)) bad.push(cut);
    }
    expect(bad).toEqual([]);
    const crlf = Buffer.from(MIXED_LINES.join('\r\n'));
    expect(summary(await statsOf(readChunks([...crlf].map((b) => Buffer.from([b])))))).toEqual(MIXED_SUMMARY);
  });

  it('stdin: a UTF-8 BOM split across the first chunks is still ignored', async () => {
    const buf = Buffer.concat([BOM, MIXED]);
    for (const cuts of [[1], [2], [1, 2], [1, 2, 3]]) {
      expect({ cuts, ...summary(await statsOf(readChunks(splitAt(buf, cuts)))) }).toEqual({ cuts, ...MIXED_SUMMARY });
    }
  });

  it('invalid UTF-8 inside a JSON string does not make the line invalid: it is decoded with U+FFFD', async () => {
    const line = Buffer.concat([Buffer.from('{"time":1,"req":{"url":"/v1/caf'), Buffer.from([0xff, 0xfe]), Buffer.from('/123"},"res":{"statusCode":500}}')]);
    const st = await statsOf(readChunks([line, Buffer.from('\n'), line]));
    expect(counts(st)).toMatchObject({ lines: 2, invalidLines: 0, requests: 2, errors: 2 });
    expect(groupsOf(st)).toEqual({ 500: { '/v1/caf\uFFFD\uFFFD/:id': 2 } });
  });

  it('stdin: a chunk boundary inside a multi-byte UTF-8 character changes nothing', async () => {
    const text = Buffer.from(lines(p(500, '/v1/café/123'), p(404, '/v1/ünïcode/5'), p(500, '/v1/☃/1')));
    const want = { 500: { '/v1/café/:id': 1, '/v1/☃/:id': 1 }, 404: { '/v1/ünïcode/:id': 1 } };
    for (let i = 0; i < text.length; i++) {
      if ((text[i]! & 0xc0) !== 0x80) continue; // cut only before continuation bytes
      const st = await statsOf(readChunks(splitAt(text, [i])));
      expect({ cut: i, invalid: st.invalidLines, groups: groupsOf(st) }).toEqual({ cut: i, invalid: 0, groups: want });
    }
  });

  it('a line longer than maxLineBytes is invalid; exactly maxLineBytes is not', async () => {
    const ok = p(500, '/v1/a');
    const long = p(500, `/v1/${'x'.repeat(200)}`);
    const st = await statsOf(readChunks([lines(ok, long, ok)], { maxLineBytes: Buffer.byteLength(ok) }));
    expect(counts(st)).toMatchObject({ lines: 3, invalidLines: 1, invalidSamples: [2], requests: 2 });
  });

  it('invalidSamples are the first five invalid line numbers, in order, also when an overlong line is among the first lines', async () => {
    const ls = ['x1', 'x2', 'x3', 'x4', 'x5', 'y'.repeat(200), p(200, '/'), 'x8'];
    const st = await statsOf(readChunks([lines(...ls)], { maxLineBytes: 150 }));
    expect(counts(st)).toMatchObject({ lines: 8, invalidLines: 7, invalidSamples: [1, 2, 3, 4, 5] });
    // and far into the file
    const many = [...Array.from({ length: 60 }, () => p(200, '/')), 'bad', 'y'.repeat(200), 'bad', 'bad', 'bad', 'bad'];
    const st2 = await statsOf(readChunks([lines(...many)], { maxLineBytes: 150 }));
    expect(st2.invalidSamples).toEqual([61, 62, 63, 64, 65]);
  });

  it('a file of only blank lines is blank lines, not invalid', async () => {
    const st = await statsOf(readChunks(['\n  \n\t\r\n\n']));
    expect(counts(st)).toEqual({ lines: 4, blankLines: 4, invalidLines: 0, invalidSamples: [], otherLines: 0, requests: 0, errors: 0, outsideWindow: 0 });
  });
});

// ---- a large seeded fixture against a JSON.parse oracle ------------------------

/** The definitions, with JSON.parse, for lines already split. */
function oracle(ls: string[], statusPath: string, endpointPath: string) {
  const c = { lines: ls.length, blankLines: 0, invalidLines: 0, invalidSamples: [] as number[], otherLines: 0, requests: 0, errors: 0, outsideWindow: 0 };
  const groups: Groups = {};
  ls.forEach((l, i) => {
    if (/^[ \t\r]*$/.test(l)) return void c.blankLines++;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      v = undefined;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      c.invalidLines++;
      if (c.invalidSamples.length < 5) c.invalidSamples.push(i + 1);
      return;
    }
    const s = getPath(v, statusPath);
    const status = typeof s === 'number' && Number.isInteger(s) ? s : typeof s === 'string' && /^[1-5]\d\d$/.test(s) ? Number(s) : -1;
    if (status < 100 || status > 599) return void c.otherLines++;
    c.requests++;
    if (status < 400) return;
    c.errors++;
    const u = getPath(v, endpointPath);
    const ep = typeof u === 'string' ? normaliseEndpoint(u) : '(unknown)';
    (groups[status] ??= {})[ep] = (groups[status]![ep] ?? 0) + 1;
  });
  return { counts: c, groups };
}

function bigFixture(seed: number, n: number): string[] {
  const r = rng(seed);
  const reqs = genRequests(seed, n);
  const junk = [
    () => '',
    () => '   ',
    () => '[{"res":{"statusCode":500}}]',
    () => 'Error: ECONNRESET\n    at TLSWrap.onStreamRead'.split('\n')[int(r, 2)]!,
    () => pinoHttp(pick(r, reqs)).slice(0, 40 + int(r, 60)),
    () => JSON.stringify({ level: 30, time: T0, msg: 'heartbeat' }),
    () => pinoHttp(pick(r, reqs)).replace('request completed', 'request\u0000completed'),
    () => JSON.stringify({ level: 40, time: T0, res: { statusCode: 'n/a' }, msg: 'odd' }),
  ];
  const out: string[] = [];
  reqs.forEach((q, i) => {
    if (r() < 0.06) out.push(pick(r, junk)());
    out.push(pinoHttp(q, i));
  });
  return out;
}

describe('readLog: a 3000-request seeded log matches a JSON.parse oracle', () => {
  const ls = bigFixture(5, 3000);
  const text = Buffer.from(ls.join('\n') + '\n');
  const want = oracle(ls, 'res.statusCode', 'req.url');

  it('from a file, from gzip, and from stdin in random chunk sizes', async () => {
    expect(want.counts.invalidLines).toBeGreaterThan(20); // the fixture has junk in it
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'big.log'), text);
      await writeFile(join(dir, 'big.log.gz'), gzipSync(text));
      for (const f of ['big.log', 'big.log.gz']) {
        const st = await statsOf(readFile(join(dir, f)));
        expect({ f, counts: counts(st), groups: groupsOf(st) }).toEqual({ f, ...want });
      }
    });
    const r = rng(11);
    for (let k = 0; k < 5; k++) {
      const cuts: number[] = [];
      for (let at = int(r, 5000); at < text.length; at += 1 + int(r, 20000)) cuts.push(at);
      const st = await statsOf(readChunks(splitAt(text, cuts)));
      expect({ counts: counts(st), groups: groupsOf(st) }).toEqual(want);
    }
  });
});

// ---- sources -----------------------------------------------------------------

describe('readLog: sources', () => {
  it('an empty file is ok with 0 lines', async () => {
    await withTempDir(async (dir) => {
      const f = join(dir, 'empty.log');
      await writeFile(f, '');
      const st = await statsOf(readFile(f));
      expect(counts(st)).toEqual({ lines: 0, blankLines: 0, invalidLines: 0, invalidSamples: [], otherLines: 0, requests: 0, errors: 0, outsideWindow: 0 });
      expect(st.readError).toBeUndefined();
      // an empty stdin too, and an empty gzip
      expect((await statsOf(readChunks([]))).lines).toBe(0);
      await writeFile(f, gzipSync(Buffer.alloc(0)));
      expect((await statsOf(readFile(f))).lines).toBe(0);
    });
  });

  it('a missing file: ok:false, ENOENT, a one-line message naming the path', async () => {
    await withTempDir(async (dir) => {
      const f = join(dir, 'nope', 'app.log');
      const r = await readFile(f);
      expect(r).toMatchObject({ ok: false, source: f, code: 'ENOENT' });
      if (r.ok) return;
      expect(r.message).toContain(f);
      expect(r.message).not.toMatch(/\n/);
    });
  });

  it('a directory: ok:false, EISDIR; a path through a file: ENOTDIR', async () => {
    await withTempDir(async (dir) => {
      const d = join(dir, 'logs');
      await mkdir(d);
      const r = await readFile(d);
      expect(r).toMatchObject({ ok: false, code: 'EISDIR' });
      if (!r.ok) expect(r.message).toContain(d);
      await writeFile(join(dir, 'file'), 'x');
      expect(await readFile(join(dir, 'file', 'app.log'))).toMatchObject({ ok: false, code: 'ENOTDIR' });
    });
  });

  it('gzip is recognised by its magic bytes: .gz, no suffix, rotated name, stdin — same counts as the plain file', async () => {
    const gz = gzipSync(MIXED);
    await withTempDir(async (dir) => {
      for (const name of ['app.log.gz', 'app.log', 'access.log.1']) {
        await writeFile(join(dir, name), gz);
        expect({ name, ...summary(await statsOf(readFile(join(dir, name)))) }).toEqual({ name, ...MIXED_SUMMARY });
      }
    });
    expect(summary(await statsOf(readChunks(splitAt(gz, [10, 20, 100]))))).toEqual(MIXED_SUMMARY);
  });

  it('gzip: a BOM inside the compressed data is ignored; concatenated members (cat a.gz b.gz) are read whole', async () => {
    expect(summary(await statsOf(readChunks([gzipSync(Buffer.concat([BOM, MIXED]))])))).toEqual(MIXED_SUMMARY);
    const a = Buffer.from(lines(p(500, '/v1/a/1'), p(200, '/')));
    const b = Buffer.from(lines(p(503, '/v1/b/2')));
    const st = await statsOf(readChunks([Buffer.concat([gzipSync(a), gzipSync(b)])]));
    expect(counts(st)).toMatchObject({ lines: 3, requests: 3, errors: 2, invalidLines: 0 });
  });

  it('stdin: gzip whose magic bytes are split across the first chunks is still gzip', async () => {
    const gz = gzipSync(MIXED);
    expect(summary(await statsOf(readChunks(splitAt(gz, [1]))))).toEqual(MIXED_SUMMARY);
  });

  it('a truncated or corrupt gzip does not crash: ok:false, or partial counts with readError', async () => {
    const ls = bigFixture(8, 20000);
    const gz = gzipSync(Buffer.from(ls.join('\n') + '\n'));
    const inputs = {
      truncatedHalf: gz.subarray(0, gz.length >> 1),
      truncatedTail: gz.subarray(0, gz.length - 4),
      headerOnly: gz.subarray(0, 12),
      corrupt: Buffer.concat([gz.subarray(0, 2000), Buffer.alloc(64, 0xaa), gz.subarray(2064)]),
    };
    await withTempDir(async (dir) => {
      for (const [name, buf] of Object.entries(inputs)) {
        const f = join(dir, `${name}.log.gz`);
        await writeFile(f, buf);
        for (const r of [await readFile(f), await readChunks([buf])]) {
          if (r.ok) {
            expect({ name, readError: typeof r.stats.readError }).toEqual({ name, readError: 'string' });
            expect(r.stats.readError).not.toMatch(/\n/);
            expect(r.stats.lines).toBeLessThanOrEqual(ls.length);
          } else {
            expect(r.code).toMatch(/\S/);
            expect(r.message).not.toMatch(/\n/);
          }
        }
      }
    });
  });

  it('stdin that fails part-way: partial counts with readError, no crash', async () => {
    const err = Object.assign(new Error('read EIO'), { code: 'EIO' });
    const stdin = new Readable({
      read() {
        this.push(Buffer.from(lines(p(500, '/v1/a/1'), p(200, '/'))));
        this.destroy(err);
      },
    });
    const r = await readLog('-', { stdin });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.stats.readError).toMatch(/EIO/);
    expect(r.stats.lines).toBe(2);
  });
});

// ---- huge lines --------------------------------------------------------------

describe('readLog: a 10 MB line with no newline', () => {
  it('is 1 invalid line, read quickly, without holding 10 MB', async () => {
    await withTempDir(async (dir) => {
      const f = join(dir, 'huge.log');
      const size = 10 * 1024 * 1024;
      const buf = Buffer.alloc(size, 0x78);
      buf.write('{"msg":"', 0);
      await writeFile(f, buf);
      const before = process.memoryUsage();
      const t = performance.now();
      const st = await statsOf(readFile(f));
      const ms = performance.now() - t;
      const after = process.memoryUsage();
      expect(counts(st)).toEqual({ lines: 1, blankLines: 0, invalidLines: 1, invalidSamples: [1], otherLines: 0, requests: 0, errors: 0, outsideWindow: 0 });
      expect(ms).toBeLessThan(2000);
      // Loose: a reader that buffered or decoded the line would add 10-30 MB.
      expect(after.heapUsed - before.heapUsed).toBeLessThan(8 * 1024 * 1024);
    });
  });

  it('on stdin in 64 KiB chunks: the chunks are not copied together (peak external memory stays flat)', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x78); // the same buffer, over and over: copies are the only growth
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    async function* gen() {
      yield Buffer.from(lines(p(500, '/v1/a/1')));
      for (let i = 0; i < 160; i++) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
        yield chunk;
      }
      yield Buffer.from(`\n${p(503, '/v1/b/2')}\n`);
    }
    const t = performance.now();
    const st = await statsOf(readLog('-', { stdin: Readable.from(gen()) }));
    expect(performance.now() - t).toBeLessThan(2000);
    expect(counts(st)).toMatchObject({ lines: 3, invalidLines: 1, invalidSamples: [2], requests: 2, errors: 2 });
    expect(peak).toBeLessThan(6 * 1024 * 1024);
  });
});

describe('readLog: memory stays bounded before the format is decided', () => {
  it('1.5 million blank lines ahead of the first record are counted, not held (peak heap growth stays small)', async () => {
    const n = 1_500_000;
    const nl = Buffer.alloc(64 * 1024, 0x0a);
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    async function* gen() {
      for (let left = n; left > 0; left -= nl.length) {
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
        yield left >= nl.length ? nl : nl.subarray(0, left);
      }
      yield Buffer.from(lines(p(500, '/v1/a/1'), p(200, '/')));
    }
    const st = await statsOf(readLog('-', { stdin: Readable.from(gen()) }));
    expect(counts(st)).toMatchObject({ lines: n + 2, blankLines: n, requests: 2, errors: 1, invalidLines: 0 });
    // ~60 bytes a line (≈90 MB here) when each blank line is queued for the sample.
    expect(peak).toBeLessThan(32 * 1024 * 1024);
  });
});

// ---- --since -----------------------------------------------------------------

describe('readLog: sinceMs keeps requests at or after the time; outsideWindow counts the rest; no time = kept', () => {
  const times = [T0 - 600_000, T0 - 1000, T0, T0 + 60_000];
  const expectWindow = (st: LogStats) => {
    expect(counts(st)).toMatchObject({ requests: 3, errors: 3, outsideWindow: 2 });
    expect(groupsOf(st)).toEqual({ 500: { '/v1/kept/:id': 2, '/v1/no-time': 1 } });
  };
  // Dropped: T0-600000 (/v1/old) and T0-1000 (/v1/old); kept: T0 and T0+60000 (/v1/kept/n); one without a time.
  const urls = ['/v1/old', '/v1/old', '/v1/kept/1', '/v1/kept/2'];

  it('pino epoch-ms `time`', async () => {
    const ls = [JSON.stringify({ level: 30, time: T0 - 900_000, msg: 'boot' }), ...times.map((t, i) => p(500, urls[i]!, t)), JSON.stringify({ req: { url: '/v1/no-time' }, res: { statusCode: 500 } })];
    const st = await statsOf(readChunks([lines(...ls)], { sinceMs: T0 }));
    expectWindow(st);
    expect(st.otherLines).toBe(1); // the boot line is not a request, and not "outside"
    expect(st.firstTimeMs).toBe(T0);
    // without a window everything is counted
    expect(counts(await statsOf(readChunks([lines(...ls)])))).toMatchObject({ requests: 5, outsideWindow: 0 });
  });

  it('epoch seconds `time` (with a fraction)', async () => {
    const ls = [...times.map((t, i) => JSON.stringify({ time: t / 1000 + 0.25 * (i === 1 ? -1 : 0), req: { url: urls[i] }, res: { statusCode: 500 } })), JSON.stringify({ req: { url: '/v1/no-time' }, res: { statusCode: 500 } })];
    expectWindow(await statsOf(readChunks([lines(...ls)], { sinceMs: T0 })));
  });

  it('ISO `timestamp` (winston), including a +02:00 offset', async () => {
    const iso = (t: number, i: number) => (i === 3 ? new Date(t + 7_200_000).toISOString().replace('Z', '+02:00') : new Date(t).toISOString());
    const ls = [...times.map((t, i) => winston({ status: 500, url: urls[i]!, timeMs: t }).replace(new Date(t).toISOString(), iso(t, i))), JSON.stringify({ level: 'info', status: 500, url: '/v1/no-time' })];
    expectWindow(await statsOf(readChunks([lines(...ls)], { sinceMs: T0 })));
  });

  it('CLF `[01/Dec/2026:03:00:00 -0700]` times, with offsets either side of UTC', async () => {
    const r = (t: number, url: string) => ({ status: 500, url, timeMs: t });
    const ls = [
      combined(r(T0 - 1000, '/v1/old'), '10.0.0.1', -420), // 02:59:59 -0700: dropped
      combined(r(T0, '/v1/kept/1'), '10.0.0.1', -420), // 03:00:00 -0700 = T0: kept
      combined(r(T0, '/v1/kept/2'), '10.0.0.1', 120), // 12:00:00 +0200 = T0: kept
      combined(r(T0 - 1000, '/v1/old'), '10.0.0.1', 120), // 11:59:59 +0200: dropped
      combined(r(T0 + 1000, '/v1/kept/3'), '::1', 0),
      `10.0.0.1 - - [-] "GET /v1/no-time HTTP/1.1" 500 1 "-" "-"`, // no usable time: kept
    ];
    expect(ls[0]).toContain('[01/Dec/2026:02:59:59 -0700]');
    expect(ls[2]).toContain('[01/Dec/2026:12:00:00 +0200]');
    const st = await statsOf(readChunks([lines(...ls)], { sinceMs: T0 }));
    expect(st.format).toBe('combined');
    expect(counts(st)).toMatchObject({ requests: 4, errors: 4, outsideWindow: 2, invalidLines: 0 });
    expect(groupsOf(st)).toEqual({ 500: { '/v1/kept/:id': 3, '/v1/no-time': 1 } });
  });
});

// ---- access logs -------------------------------------------------------------

describe('readLog: access logs', () => {
  const T = clfTime(T0);
  const ACCESS = [
    /*  1 200 */ `10.0.0.1 - - [${T}] "GET /v1/workorders HTTP/1.1" 200 512 "-" "ua"`,
    /*  2 500 */ `2001:db8::1 - - [${T}] "GET /v1/workorders/123?x=1 HTTP/1.1" 500 0 "-" "ua"`,
    /*  3 404 */ `::1 - - [${T}] "GET /v1/assets/9 HTTP/1.1" 404 0 "-" "ua"`,
    /*  4 404 */ `[::1] - - [${T}] "GET /v1/assets/10 HTTP/1.1" 404 0 "-" "ua"`,
    /*  5     */ '',
    /*  6 400 */ `10.0.0.2 - - [${T}] "GET /v1/search?q=\\"x\\" HTTP/1.1" 400 0 "-" "ua"`,
    /*  7 400 */ `10.0.0.2 - - [${T}] "GET /v1/search/55?q=\\x22x\\x22 HTTP/1.1" 400 0 "-" "ua"`,
    /*  8 400 */ `10.0.0.3 - - [${T}] "-" 400 0 "-" "-"`,
    /*  9 400 */ `10.0.0.3 - - [${T}] "\\x16\\x03\\x01\\x00\\xA5\\x01" 400 157 "-" "-"`,
    /* 10 inv */ 'GET / HTTP/1.1',
    /* 11 inv */ '{"status":500,"url":"/v1/x"}',
    /* 12 503 */ `10.0.0.4 - - [${T}] "GET https://api.example.com/v1/workorders/5 HTTP/1.1" 503 0 "-" "ua"`,
    /* 13 302 */ `[2001:db8::2] - - [${T}] "GET /login HTTP/1.1" 302 0 "-" "ua"`,
  ];
  const WANT = {
    counts: { lines: 13, blankLines: 1, invalidLines: 2, invalidSamples: [10, 11], otherLines: 0, requests: 10, errors: 8, outsideWindow: 0 },
    groups: { 500: { '/v1/workorders/:id': 1 }, 404: { '/v1/assets/:id': 2 }, 400: { '/v1/search': 1, '/v1/search/:id': 1, '(no request line)': 1, '(malformed request)': 1 }, 503: { '/v1/workorders/:id': 1 } },
    byStatus: { 200: 1, 302: 1, 500: 1, 404: 2, 400: 4, 503: 1 },
  };
  const look = (st: LogStats) => ({ counts: counts(st), groups: groupsOf(st), byStatus: byStatusOf(st) });

  it('Combined with IPv6 hosts (plain and bracketed), \\" and \\x22 escapes, junk requests: exact counts and groups', async () => {
    const st = await statsOf(readChunks([lines(...ACCESS)]));
    expect(st.format).toBe('combined');
    expect(look(st)).toEqual(WANT);
    expect(st.firstTimeMs).toBe(T0);
  });

  it('the same through CRLF, gzip and every single chunk boundary', async () => {
    const crlf = Buffer.from(ACCESS.join('\r\n'));
    expect(look(await statsOf(readChunks([crlf])))).toEqual(WANT);
    expect(look(await statsOf(readChunks([gzipSync(crlf)])))).toEqual(WANT);
    const buf = Buffer.from(ACCESS.join('\n'));
    for (let c = 0; c <= buf.length; c += 3) expect({ c, ...look(await statsOf(readChunks(splitAt(buf, [c])))) }).toEqual({ c, ...WANT });
  });

  it('Common format is detected as common and counted the same way', async () => {
    const reqs = genRequests(3, 30);
    const st = await statsOf(readChunks([lines(...reqs.map((r) => common(r)))]));
    expect(st.format).toBe('common');
    expect({ requests: st.requests, groups: groupsOf(st), byStatus: byStatusOf(st) }).toEqual({ requests: 30, groups: expectedGroups(reqs), byStatus: expectedByStatus(reqs) });
  });

  it('a log whose format changed part-way (combined, then nginx JSON lines) is counted in linear time', async () => {
    const reqs = genRequests(4, 50);
    const ua = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';
    const json = (i: number) => JSON.stringify({ time: new Date(T0 + i).toISOString(), remote_addr: '10.0.0.1', request: 'GET /v1/workorders HTTP/1.1', status: 200, body_bytes_sent: 512, http_user_agent: ua });
    const ls = [...reqs.map((r) => combined(r)), ...Array.from({ length: 5000 }, (_, i) => json(i))];
    const t = performance.now();
    const st = await statsOf(readChunks([lines(...ls)]));
    const ms = performance.now() - t;
    expect(st.format).toBe('combined');
    expect(counts(st)).toMatchObject({ lines: 5050, requests: 50, invalidLines: 5000 });
    // ~10 ms when each line is searched only within itself; ~1.5 s when each
    // junk line searches the rest of its 1.4 MB chunk for ' ['.
    expect(ms).toBeLessThan(500);
  });
});
