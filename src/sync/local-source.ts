// Reads the local side of a sync diff: the integration's own copy of the work
// orders (or Flexport shipments), wherever it keeps them: a JSON or NDJSON
// export, an HTTP endpoint of its own, or a Redis hash of id → JSON. A bad
// record is counted and sampled, never fatal; a source that cannot be read
// at all is one LocalSourceError with a one-line message that names it.
import { open, stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { CancelledError, errorCode, errorMessage } from '../core/errors.js';
import { splitLines } from '../logs/lines.js';
import { Collector, LocalSourceError, MAX_BYTES, MAX_LINE_BYTES, mib, parseJson, sniff, type LocalReadOptions, type LocalReadResult } from './local-collect.js';

export { LocalSourceError, MAX_BYTES, sniff } from './local-collect.js';
export type { LocalKind, LocalReadOptions, LocalReadResult, MalformedSample } from './local-collect.js';

export async function readLocal(source: string, opts: LocalReadOptions): Promise<LocalReadResult> {
  if (opts.signal?.aborted) throw new CancelledError();
  if (/^https?:\/\//i.test(source)) return (await import('./local-http.js')).readHttp(source, opts);
  if (/^rediss?:\/\//i.test(source)) return (await import('./local-redis.js')).readRedis(source, opts);
  return readFileSource(source, opts);
}

// ---- files ---------------------------------------------------------------

const FILE_WHY: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, expected a .json or .ndjson file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
};

function fileError(path: string, err: unknown): LocalSourceError {
  const code = errorCode(err) ?? 'EUNKNOWN';
  return new LocalSourceError(`cannot read local source ${path}: ${FILE_WHY[code] ?? errorMessage(err)}`, code);
}

async function readFileSource(path: string, opts: LocalReadOptions): Promise<LocalReadResult> {
  const max = opts.maxBytes ?? MAX_BYTES;
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    size = st.size;
  } catch (err) {
    throw fileError(path, err);
  }
  const ext = extname(path).toLowerCase();
  const kind = ext === '.json' ? 'json' : ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : sniffFile(await readHead(path));
  const c = new Collector();
  if (kind === 'ndjson') {
    try {
      await splitLines(createReadStream(path, { highWaterMark: 256 * 1024, signal: opts.signal }), c, MAX_LINE_BYTES);
    } catch (err) {
      if (opts.signal?.aborted) throw new CancelledError();
      throw fileError(path, err);
    }
    return c.result('ndjson');
  }
  if (size > max) throw new LocalSourceError(`local source ${path} is ${mib(size)}, larger than the ${mib(max)} a JSON file may be (export it as NDJSON instead)`, 'ETOOBIG');
  let text: string;
  try {
    const fh = await open(path, 'r');
    try {
      text = (await fh.readFile()).toString('utf8');
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw fileError(path, err);
  }
  c.document(parseJson(text, `local source ${path}`), `local source ${path}`);
  return c.result('json');
}

const HEAD_BYTES = 64 * 1024;
const sniffFile = (head: Buffer) => sniff(head.subarray(0, HEAD_BYTES), head.length <= HEAD_BYTES);

async function readHead(path: string): Promise<Buffer> {
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES + 1);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw fileError(path, err);
  }
}
