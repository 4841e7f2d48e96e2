// Files are written to a temporary name in the same directory, flushed, and
// renamed over the target: a reader (or a kill -9) sees the old file or the
// new one, never half of one.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError, errorCode } from './errors.js';

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fh;
  try {
    fh = await open(tmp, 'wx', 0o644);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${errorCode(err) ?? 'error'} (does its directory exist and is it writable?)`);
  }
  try {
    await fh.writeFile(data, 'utf8');
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
  } catch (err) {
    await fh?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw new UsageError(`cannot write ${path}: ${errorCode(err) ?? (err as Error).message}`);
  }
}
