// Every difference of a sync diff as NDJSON, one per line, for jq, a ticket
// or a repair script: missing, then extra, then stale, each sorted by id.
// Streamed in ~64 KB writes to a temporary file in the target's directory,
// flushed and renamed over the target: a reader sees the whole file or none.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError, errorCode, errorMessage } from '../core/errors.js';
import type { SyncDiff, StaleReason } from './diff.js';
import type { RecordSet } from './records.js';

export type DifferenceKind = 'missing' | 'extra' | 'stale';

export interface OutputRecord {
  id: number;
  updatedAt: string;
  status: string | null;
  title: string | null;
  priority: string | null;
}

/** One line of the file. */
export interface DifferenceLine {
  kind: DifferenceKind;
  id: number;
  remote?: OutputRecord;
  local?: OutputRecord;
  reasons?: StaleReason[];
}

export interface WriteStats {
  lines: number;
  bytes: number;
}

const FLUSH_AT = 64 * 1024;

/** The vendor's name for each slot (Flexport: name, transportation_mode, updated_at); default the slot names. */
export type FieldNames = Record<keyof OutputRecord, string>;
const SLOT_NAMES: FieldNames = { id: 'id', updatedAt: 'updatedAt', status: 'status', title: 'title', priority: 'priority' };

function out(set: RecordSet, id: number, names: FieldNames): Record<string, unknown> | undefined {
  const row = set.rowOf(id);
  if (row < 0) return undefined;
  const ms = set.updatedAtAt(row);
  return { [names.id]: id, [names.updatedAt]: new Date(ms).toISOString(), [names.status]: set.statusAt(row), [names.title]: set.titleAt(row), [names.priority]: set.priorityAt(row) };
}

/** The lines, in file order, one at a time; records and reasons in the vendor's field names. */
export function* differenceLines(diff: SyncDiff, remote: RecordSet, local: RecordSet, names: FieldNames = SLOT_NAMES): Generator<DifferenceLine> {
  for (const id of diff.missingLocally) yield { kind: 'missing', id, remote: out(remote, id, names) as OutputRecord | undefined };
  for (const id of diff.extraLocally) yield { kind: 'extra', id, local: out(local, id, names) as OutputRecord | undefined };
  for (const s of diff.stale) yield { kind: 'stale', id: s.id, remote: out(remote, s.id, names) as OutputRecord | undefined, local: out(local, s.id, names) as OutputRecord | undefined, reasons: s.reasons.map((r) => names[r]) as StaleReason[] };
}

export async function writeDifferences(path: string, diff: SyncDiff, remote: RecordSet, local: RecordSet, names: FieldNames = SLOT_NAMES): Promise<WriteStats> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'wx', 0o644);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${errorCode(err) ?? errorMessage(err)} (does its directory exist and is it writable?)`);
  }
  const stats: WriteStats = { lines: 0, bytes: 0 };
  try {
    let buf = '';
    for (const line of differenceLines(diff, remote, local, names)) {
      buf += JSON.stringify(line) + '\n';
      stats.lines++;
      if (buf.length >= FLUSH_AT) {
        stats.bytes += await writeAll(fh, buf);
        buf = '';
      }
    }
    if (buf) stats.bytes += await writeAll(fh, buf);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
    return stats;
  } catch (err) {
    await fh?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw new UsageError(`cannot write ${path}: ${errorCode(err) ?? errorMessage(err)}`);
  }
}

/** FileHandle.writeFile writes from the current position and loops until all of it is written (write() may not). */
async function writeAll(fh: FileHandle, text: string): Promise<number> {
  const bytes = Buffer.from(text, 'utf8');
  await fh.writeFile(bytes);
  return bytes.length;
}
