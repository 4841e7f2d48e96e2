// splitLines: the same lines whatever the chunking; CRLF as LF; a BOM at the
// start dropped; overlong lines reported, never handed out.
import { describe, expect, it } from 'vitest';
import { splitLines, type LineSink } from '../../src/logs/lines.js';
import { int, rng, splitAt } from '../helpers/log-fixtures.js';

type Call = ['L', number, string] | ['O', number];

class Recorder implements LineSink {
  calls: Call[] = [];
  longest = 0;
  line(buf: Buffer, s: number, e: number, n: number): void {
    this.longest = Math.max(this.longest, e - s);
    this.calls.push(['L', n, buf.toString('latin1', s, e)]);
  }
  overlong(n: number): void {
    this.calls.push(['O', n]);
  }
}

async function* gen(chunks: Array<Buffer | string>): AsyncIterable<Buffer | string> {
  for (const c of chunks) yield c;
}

async function split(chunks: Array<Buffer | string>, max = 1 << 20) {
  const rec = new Recorder();
  const st = await splitLines(gen(chunks), rec, max);
  return { calls: rec.calls, lines: st.lines, bytes: st.bytes, longest: rec.longest };
}

/** The definition, on the whole stream at once. */
function reference(stream: Buffer, max: number): Call[] {
  let b = stream;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
  const parts: Buffer[] = [];
  let s = 0;
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, s)) parts.push(b.subarray(s, i)), (s = i + 1);
  if (s < b.length) parts.push(b.subarray(s));
  return parts.map((raw, i): Call => {
    if (raw.length > max) return ['O', i + 1];
    const body = raw.length && raw[raw.length - 1] === 0x0d ? raw.subarray(0, -1) : raw;
    return ['L', i + 1, body.toString('latin1')];
  });
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('splitLines', () => {
  it('counts lines: a final line without newline counts, an empty stream has none', async () => {
    expect((await split([])).lines).toBe(0);
    expect((await split([Buffer.alloc(0)])).lines).toBe(0);
    expect((await split(['\n'])).calls).toEqual([['L', 1, '']]);
    expect((await split(['a\nb'])).calls).toEqual([['L', 1, 'a'], ['L', 2, 'b']]);
    expect((await split(['a\nb\n'])).calls).toEqual([['L', 1, 'a'], ['L', 2, 'b']]);
    expect((await split(['a\n\n\nb'])).lines).toBe(4);
  });

  it('CRLF is handled like LF, also when CR and LF are in different chunks', async () => {
    expect((await split(['a\r\nb\r\n'])).calls).toEqual([['L', 1, 'a'], ['L', 2, 'b']]);
    expect((await split(['a\r', '\nb\r', '\n'])).calls).toEqual([['L', 1, 'a'], ['L', 2, 'b']]);
    expect((await split(['a\r\nb\r'])).calls).toEqual([['L', 1, 'a'], ['L', 2, 'b']]); // final CR without LF
    expect((await split(['\r\n'])).calls).toEqual([['L', 1, '']]);
  });

  it('accepts string chunks', async () => {
    expect((await split(['a\n', 'b'])).calls).toEqual([['L', 1, 'a'], ['L', 2, 'b']]);
  });

  it('drops a UTF-8 BOM at the start of the stream (only there)', async () => {
    const body = Buffer.from('{"a":1}\n\uFEFF{"b":2}\n');
    expect((await split([Buffer.concat([BOM, body])])).calls).toEqual([
      ['L', 1, '{"a":1}'],
      ['L', 2, '\u00ef\u00bb\u00bf{"b":2}'],
    ]);
    // an empty first chunk does not count as the start
    expect((await split([Buffer.alloc(0), Buffer.concat([BOM, body])])).calls[0]).toEqual(['L', 1, '{"a":1}']);
  });

  it('drops a UTF-8 BOM split across the first chunks', async () => {
    const body = Buffer.from('{"a":1}\n');
    const want = [['L', 1, '{"a":1}']];
    expect((await split([BOM.subarray(0, 1), Buffer.concat([BOM.subarray(1), body])])).calls).toEqual(want);
    expect((await split([BOM.subarray(0, 2), Buffer.concat([BOM.subarray(2), body])])).calls).toEqual(want);
    expect((await split([BOM.subarray(0, 1), BOM.subarray(1, 2), BOM.subarray(2), body])).calls).toEqual(want);
  });

  it('streams shorter than a BOM: 1 and 2 bytes, a lone BOM, a partial BOM', async () => {
    expect((await split(['a'])).calls).toEqual([['L', 1, 'a']]);
    expect((await split(['\n'])).calls).toEqual([['L', 1, '']]);
    expect((await split(['a', 'b'])).calls).toEqual([['L', 1, 'ab']]);
    expect((await split([BOM])).lines).toBe(0);
    expect((await split([BOM.subarray(0, 1), BOM.subarray(1)])).lines).toBe(0);
    expect((await split([BOM.subarray(0, 2)])).calls).toEqual([['L', 1, '\u00ef\u00bb']]);
    expect((await split([BOM.subarray(0, 2), '\nx'])).calls).toEqual([['L', 1, '\u00ef\u00bb'], ['L', 2, 'x']]);
  });

  it('maxLineBytes: a line of exactly max bytes is a line, one byte more is overlong, in a chunk or across chunks', async () => {
    const max = 10;
    const ok = 'x'.repeat(max);
    const long = 'y'.repeat(max + 1);
    const text = Buffer.from(`${ok}\n${long}\n${ok}`);
    const want: Call[] = [['L', 1, ok], ['O', 2], ['L', 3, ok]];
    expect((await split([text], max)).calls).toEqual(want);
    for (let c = 0; c <= text.length; c++) expect((await split(splitAt(text, [c]), max)).calls).toEqual(want);
    expect((await split([...text].map((b) => Buffer.from([b])), max)).calls).toEqual(want);
  });

  it('an overlong line is never handed to the sink, however it is chunked, and the lines after it are intact', async () => {
    const max = 1 << 20;
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    const chunks: Buffer[] = [Buffer.from('first\n')];
    for (let i = 0; i < 160; i++) chunks.push(chunk); // 10 MiB of one line, chunk by chunk
    chunks.push(Buffer.from('\nlast'));
    const r = await split(chunks, max);
    expect(r.calls).toEqual([['L', 1, 'first'], ['O', 2], ['L', 3, 'last']]);
    expect(r.longest).toBeLessThanOrEqual(5);
    // and a 10 MiB chunk holding the whole line, with no newline at all
    const one = await split([Buffer.alloc(10 * 1024 * 1024, 0x78)], max);
    expect(one.calls).toEqual([['O', 1]]);
  });

  it('gives the same calls as the definition for random streams and random chunkings (seeded)', async () => {
    const r = rng(99);
    const alphabet = [0x61, 0x62, 0x0a, 0x0a, 0x0d, 0xc3, 0xa9, 0x20];
    const bad: string[] = [];
    for (let iter = 0; iter < 400; iter++) {
      const stream = Buffer.from(Array.from({ length: int(r, 60) }, () => alphabet[int(r, alphabet.length)]!));
      const max = 1 + int(r, 12);
      const want = reference(stream, max);
      const cuts = Array.from({ length: int(r, 6) }, () => int(r, stream.length + 1)).sort((a, b) => a - b);
      const got = await split(splitAt(stream, cuts), max);
      if (JSON.stringify(got.calls) !== JSON.stringify(want) && bad.length < 5) bad.push(`${JSON.stringify(stream.toString('latin1'))} max=${max} cuts=${cuts}`);
      expect(got.lines).toBe(want.length);
      expect(got.bytes).toBe(stream.length);
    }
    expect(bad).toEqual([]);
  });
});
