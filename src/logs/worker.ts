// A worker thread of the parallel log reader: counts one slice of a file
// with the format the main thread decided from the file's head.
import { parentPort, workerData } from 'node:worker_threads';
import { Readable } from 'node:stream';
import { splitLines } from './lines.js';
import { fileSlice } from './range.js';
import { LogCounter, type Decision, type LogOptions } from './read-log.js';

export interface SliceJob {
  source: string;
  start: number;
  end: number;
  decision: Decision;
  sinceMs?: number;
  maxLineBytes: number;
}

const job = workerData as SliceJob;
const opts: LogOptions = { sinceMs: job.sinceMs, maxLineBytes: job.maxLineBytes, stdin: Readable.from([]) };
const counter = new LogCounter(job.source, opts, job.decision);
const { bytes } = await splitLines(fileSlice(job.source, job.start, job.end), counter, job.maxLineBytes, job.start === 0);
counter.finish();
counter.stats.bytes = bytes;
parentPort?.postMessage(counter.stats);
