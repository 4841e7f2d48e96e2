// The bytes of one slice of a file for a parallel reader: a line belongs to
// the slice that holds its first byte, so a slice starts after the first
// newline at or after (start - 1) and ends with the newline that closes the
// line holding byte (end - 1). Slices read this way cover every line once.
import { createReadStream } from 'node:fs';

const NL = 0x0a;

export async function* fileSlice(path: string, start: number, end: number): AsyncIterable<Buffer> {
  const from = start === 0 ? 0 : start - 1;
  let base = from; // absolute offset of the chunk's first byte
  let skipping = start > 0;
  const stream = createReadStream(path, { start: from, highWaterMark: 256 * 1024 });
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      let chunk = raw;
      const chunkBase = base;
      base += raw.length;
      let at = chunkBase; // absolute offset of chunk[0]
      if (skipping) {
        const nl = chunk.indexOf(NL);
        if (nl === -1) continue;
        // The next line starts at at+nl+1: past our end, it is not ours.
        if (at + nl + 1 >= end) return;
        chunk = chunk.subarray(nl + 1);
        at += nl + 1;
        skipping = false;
      }
      if (at + chunk.length < end) {
        yield chunk;
        continue;
      }
      // The line holding byte end-1 ends at the first newline at or after it.
      const from2 = Math.max(0, end - 1 - at);
      const nl = chunk.indexOf(NL, from2);
      if (nl === -1) {
        yield chunk;
        // keep reading until that line's newline
        for await (const more of stream as AsyncIterable<Buffer>) {
          const k = more.indexOf(NL);
          if (k === -1) {
            yield more;
            continue;
          }
          yield more.subarray(0, k + 1);
          return;
        }
        return;
      }
      yield chunk.subarray(0, nl + 1);
      return;
    }
  } finally {
    stream.destroy();
  }
}
