// Minimal authoritative-style UDP DNS server for integration tests.
// Lets a test make one name resolve, another NXDOMAIN, another SERVFAIL and
// another time out, all against a real socket that c-ares (node:dns) talks to.
import dgram from 'node:dgram';

export type DnsMode = 'answer' | 'nxdomain' | 'servfail' | 'silent';

export interface DnsServer {
  /** "127.0.0.1:PORT", the form dns.Resolver#setServers accepts. */
  address: string;
  port: number;
  /** Parsed queries received so far (including ones left unanswered). */
  readonly queries: number;
  setMode(name: string, mode: DnsMode, ip?: string): void;
  close(): Promise<void>;
}

const TYPE_A = 1;
const CLASS_IN = 1;
const RCODE: Record<Exclude<DnsMode, 'silent'>, number> = { answer: 0, nxdomain: 3, servfail: 2 };

interface Rule {
  mode: DnsMode;
  ip: string;
}

interface Question {
  name: string;
  qtype: number;
  /** Byte offset just past QTYPE/QCLASS, so the question can be echoed verbatim. */
  end: number;
}

// Names are case-insensitive and the trailing root dot is optional.
const norm = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** Parse the first question; null on anything malformed (we never need more). */
function parseQuestion(msg: Buffer): Question | null {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return null;
  const labels: string[] = [];
  let off = 12;
  for (;;) {
    const len = msg[off];
    if (len === undefined || (len & 0xc0) !== 0) return null; // queries don't use compression
    off += 1;
    if (len === 0) break;
    if (off + len > msg.length) return null;
    labels.push(msg.toString('latin1', off, off + len));
    off += len;
  }
  if (off + 4 > msg.length) return null;
  return { name: labels.join('.'), qtype: msg.readUInt16BE(off), end: off + 4 };
}

function ipv4Bytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${ip}`);
  }
  return Buffer.from(parts);
}

function buildReply(query: Buffer, q: Question, rcode: number, ip: Buffer | null): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // same ID, or the resolver discards it
  // QR=1, keep OPCODE and RD from the query, RA=1, then RCODE.
  const flags = 0x8000 | (query.readUInt16BE(2) & 0x7900) | 0x0080 | rcode;
  header.writeUInt16BE(flags, 2);
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(ip ? 1 : 0, 6); // ANCOUNT
  // NSCOUNT/ARCOUNT stay 0: the query's EDNS OPT record is deliberately not echoed.
  const question = query.subarray(12, q.end); // echo verbatim so c-ares' question check matches
  if (!ip) return Buffer.concat([header, question]);
  const answer = Buffer.alloc(16);
  answer.writeUInt16BE(0xc00c, 0); // pointer to the QNAME at offset 12
  answer.writeUInt16BE(TYPE_A, 2);
  answer.writeUInt16BE(CLASS_IN, 4);
  answer.writeUInt32BE(60, 6); // TTL
  answer.writeUInt16BE(4, 10);
  ip.copy(answer, 12);
  return Buffer.concat([header, question, answer]);
}

/**
 * Start a UDP DNS server on 127.0.0.1 with a free port. Names without a rule
 * use `defaultMode` (default 'answer' → 127.0.0.1).
 */
export async function startDnsServer(defaultMode: DnsMode = 'answer'): Promise<DnsServer> {
  const rules = new Map<string, Rule>();
  const fallback: Rule = { mode: defaultMode, ip: '127.0.0.1' };
  let queries = 0;

  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const q = parseQuestion(msg);
    if (!q) return; // garbage: stay quiet rather than guess an ID
    queries += 1;
    const rule = rules.get(norm(q.name)) ?? fallback;
    if (rule.mode === 'silent') return;
    // AAAA (and any non-A type) in 'answer' mode: NOERROR/NODATA, so IPv4-only tests stay simple.
    const ip = rule.mode === 'answer' && q.qtype === TYPE_A ? ipv4Bytes(rule.ip) : null;
    sock.send(buildReply(msg, q, RCODE[rule.mode], ip), rinfo.port, rinfo.address);
  });

  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', () => {
      sock.off('error', reject);
      resolve();
    });
  });
  // Late errors (e.g. send to a vanished client) must not crash the test worker.
  sock.on('error', () => {});
  const port = sock.address().port;
  let closed: Promise<void> | undefined;

  return {
    address: `127.0.0.1:${port}`,
    port,
    get queries() {
      return queries;
    },
    setMode(name, mode, ip = '127.0.0.1') {
      ipv4Bytes(ip); // fail fast in the test, not later inside the message handler
      rules.set(norm(name), { mode, ip });
    },
    // Idempotent: afterEach/afterAll may both call it.
    close: () => (closed ??= new Promise<void>((resolve) => sock.close(() => resolve()))),
  };
}
