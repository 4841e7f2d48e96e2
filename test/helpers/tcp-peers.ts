// Loopback TCP peers that reproduce transport-level faults for the probes:
// accepted-but-silent, connect-timeout (SYN dropped) and connection-refused.
import { spawn } from 'node:child_process';
import net from 'node:net';

export interface TcpPeer {
  port: number;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1 with an OS-chosen port (never a wildcard address). */
export function listenLoopback(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/**
 * Track a server's sockets so close() can destroy them: server.close() alone
 * waits for every client to hang up, which a silent peer's clients never do.
 */
export function closableServer(server: net.Server): () => Promise<void> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {}); // client resets are expected in fault tests
  });
  let closed: Promise<void> | undefined;
  return () =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }));
}

/** Accepts TCP connections and never writes a byte (until close() destroys them). */
export async function startBlackhole(): Promise<TcpPeer> {
  const server = net.createServer((s) => {
    s.resume(); // swallow whatever the client sends so its writes never block
  });
  const close = closableServer(server);
  const port = await listenLoopback(server);
  return { port, close };
}

/**
 * A port on which connect() hangs until the client's own timeout.
 *
 * Linux drops an incoming SYN (no RST) while the listener's accept queue is
 * full. Node always accept()s, so a python3 child owns the listener with
 * backlog 0 and never accepts; we then park filler connections in its queue
 * until a further connect visibly stalls. The child exits when its stdin
 * closes, so it cannot outlive the test worker.
 */
const SYN_DROP_PY = [
  'import socket, sys',
  's = socket.socket(socket.AF_INET, socket.SOCK_STREAM)',
  "s.bind(('127.0.0.1', 0))",
  's.listen(0)',
  'print(s.getsockname()[1], flush=True)',
  'sys.stdin.read()',
].join('\n');

const MAX_FILLERS = 8;
const FILLER_STALL_MS = 250;

export async function startSynDrop(): Promise<TcpPeer> {
  const child = spawn('python3', ['-c', SYN_DROP_PY], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const fillers: net.Socket[] = [];
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      for (const f of fillers) f.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    })());

  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\n/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('error', reject); // e.g. python3 missing
      child.once('exit', (code) => reject(new Error(`syn-drop child exited (${code}): ${err.trim()}`)));
    });

    // Fill the accept queue: keep every connection that completes; the first
    // one that stalls proves SYNs are now being dropped.
    for (let i = 0; i < MAX_FILLERS; i++) {
      const connected = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port });
        s.on('error', () => {}); // reset by close(); irrelevant
        const timer = setTimeout(() => {
          s.destroy();
          resolve(false);
        }, FILLER_STALL_MS);
        s.once('connect', () => {
          clearTimeout(timer);
          fillers.push(s);
          resolve(true);
        });
      });
      if (!connected) return { port, close };
    }
    throw new Error(`accept queue never filled after ${MAX_FILLERS} connections; kernel is not dropping SYNs`);
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * A loopback port with nothing listening (connect → ECONNREFUSED). Found by
 * binding then releasing; another process could grab it in between, which is
 * acceptable for tests.
 */
export async function freeClosedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listenLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
