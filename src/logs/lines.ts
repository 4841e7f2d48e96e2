// Splits a byte stream into lines without decoding it: lines inside a chunk
// are handed out as (buffer, start, end) views, and only a line that spans
// two chunks is copied. A line longer than maxLineBytes is never held: its
// bytes are dropped as they arrive and the line is reported as overlong, so
// a 10 MB line with no newline costs no more memory than a short one.

export interface LineSink {
  line(buf: Buffer, start: number, end: number, lineNo: number): void;
  overlong(lineNo: number): void;
}

export interface SplitStats {
  lines: number;
  bytes: number;
}

const NL = 0x0a;
const CR = 0x0d;

export async function splitLines(chunks: AsyncIterable<Buffer | string>, sink: LineSink, maxLineBytes: number, atFileStart = true): Promise<SplitStats> {
  let lineNo = 0;
  let bytes = 0;
  let carry: Buffer[] = [];
  let carryLen = 0;
  let dropping = false; // inside an overlong line
  let first = atFileStart;
  const emit = (buf: Buffer, s: number, e: number) => {
    lineNo++;
    if (e > s && buf[e - 1] === CR) e--; // CRLF
    sink.line(buf, s, e, lineNo);
  };
  const feed = (chunk: Buffer) => {
    let s = 0;
    let nl = chunk.indexOf(NL, 0);
    if (dropping || carryLen) {
      if (nl === -1) {
        if (!dropping) {
          carry.push(chunk);
          carryLen += chunk.length;
          if (carryLen > maxLineBytes) (dropping = true), (carry = []), (carryLen = 0);
        }
        return;
      }
      if (dropping) {
        lineNo++;
        sink.overlong(lineNo);
        dropping = false;
      } else if (carryLen + nl > maxLineBytes) {
        lineNo++;
        sink.overlong(lineNo);
      } else {
        carry.push(chunk.subarray(0, nl));
        const joined = Buffer.concat(carry);
        emit(joined, 0, joined.length);
      }
      carry = [];
      carryLen = 0;
      s = nl + 1;
      nl = chunk.indexOf(NL, s);
    }
    while (nl !== -1) {
      if (nl - s > maxLineBytes) {
        lineNo++;
        sink.overlong(lineNo);
      } else emit(chunk, s, nl);
      s = nl + 1;
      nl = chunk.indexOf(NL, s);
    }
    if (s < chunk.length) {
      const rest = chunk.subarray(s);
      if (rest.length > maxLineBytes) dropping = true;
      else {
        carry.push(rest);
        carryLen = rest.length;
      }
    }
  };
  // The first bytes are held until there are 3, to test for a BOM that
  // tiny chunks (a pipe) may have split.
  let head: Buffer | undefined;
  const startOfFile = (chunk: Buffer): Buffer =>
    chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? chunk.subarray(3) : chunk; // a BOM is not data
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    bytes += chunk.length;
    if (first) {
      head = head ? Buffer.concat([head, chunk]) : chunk;
      if (head.length < 3) continue;
      first = false;
      feed(startOfFile(head));
      head = undefined;
    } else feed(chunk);
  }
  if (head) feed(startOfFile(head)); // a file of fewer than 3 bytes
  if (dropping) {
    lineNo++;
    sink.overlong(lineNo);
  } else if (carryLen) {
    const joined = Buffer.concat(carry);
    emit(joined, 0, joined.length);
  }
  return { lines: lineNo, bytes };
}
