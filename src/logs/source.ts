// Opens a log source as a byte stream: a file, or `-` for stdin; gzip is
// recognised by its magic bytes (not the name), so `.gz` files, rotated
// `access.log.1.gz` and `zcat`-less pipes all work.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { errorCode } from '../core/errors.js';

export class LogSourceError extends Error {
  constructor(
    readonly source: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const WHY: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a log file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
};

export function describeSourceError(source: string, code: string): string {
  return `cannot read log ${source}: ${WHY[code] ?? code}`;
}

export async function openLogSource(source: string, stdin: Readable): Promise<AsyncIterable<Buffer>> {
  let input: Readable;
  if (source === '-') input = stdin;
  else {
    try {
      const st = await stat(source);
      if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    } catch (err) {
      const code = errorCode(err) ?? 'EUNKNOWN';
      throw new LogSourceError(source, code, describeSourceError(source, code));
    }
    input = createReadStream(source, { highWaterMark: 256 * 1024 });
  }
  return maybeGunzip(input, source);
}

async function* maybeGunzip(input: Readable, source: string): AsyncIterable<Buffer> {
  const it = (input as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer | string>;
  try {
    first = await it.next();
  } catch (err) {
    const code = errorCode(err) ?? 'EUNKNOWN';
    throw new LogSourceError(source, code, describeSourceError(source, code));
  }
  if (first.done) return;
  let head = typeof first.value === 'string' ? Buffer.from(first.value) : first.value;
  // The two magic bytes may come in separate chunks (a pipe).
  while (head.length < 2) {
    const more = await it.next();
    if (more.done) break;
    head = Buffer.concat([head, typeof more.value === 'string' ? Buffer.from(more.value) : more.value]);
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield typeof n.value === 'string' ? Buffer.from(n.value) : n.value;
    }
  }
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  const feed = new PassThrough();
  feed.pipe(gunzip);
  // Feed the compressed bytes in the background; errors surface through gunzip.
  void (async () => {
    try {
      feed.write(head);
      for (;;) {
        const n = await it.next();
        if (n.done) break;
        if (!feed.write(n.value)) await new Promise((r) => feed.once('drain', r));
      }
      feed.end();
    } catch (err) {
      gunzip.destroy(err as Error);
    }
  })();
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    const code = errorCode(err) ?? 'EUNKNOWN';
    throw new LogSourceError(source, code, code.startsWith('Z_') ? `cannot read log ${source}: not valid gzip (${code})` : describeSourceError(source, code));
  }
}
