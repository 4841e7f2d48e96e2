// Proves each loopback fault peer really produces the fault the RB-001 probes
// must classify, using only Node's own clients (no project code involved).
import { rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { promises as dnsp } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCerts, startTlsServer, startTlsStall, type CertSet, type KeyPair } from '../helpers/certs.js';
import { startDnsServer, type DnsServer } from '../helpers/dns-server.js';
import { startHttpServer } from '../helpers/http-peers.js';
import { freeClosedPort, startBlackhole, startSynDrop } from '../helpers/tcp-peers.js';

type Outcome = { kind: 'connect' } | { kind: 'error'; code: string | undefined } | { kind: 'timeout' };

/** Race a socket's success event against error and a wall-clock deadline. */
function outcome(sock: net.Socket, okEvent: string, ms: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const done = (o: Outcome) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ kind: 'timeout' }), ms);
    sock.once(okEvent, () => done({ kind: 'connect' }));
    sock.once('error', (e: NodeJS.ErrnoException) => done({ kind: 'error', code: e.code }));
  });
}

function plainGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const tcpProbe = (port: number, ms = 1500) => outcome(net.connect({ host: '127.0.0.1', port }), 'connect', ms);

describe('dns-server', () => {
  let dns: DnsServer;
  const resolver = () => {
    const r = new dnsp.Resolver({ timeout: 300, tries: 1 });
    r.setServers([dns.address]);
    return r;
  };
  const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: NodeJS.ErrnoException) => e.code);

  beforeAll(async () => {
    dns = await startDnsServer();
    dns.setMode('api.test', 'answer', '127.0.0.42');
    dns.setMode('gone.test', 'nxdomain');
    dns.setMode('broken.test', 'servfail');
    dns.setMode('mute.test', 'silent');
  });
  afterAll(() => dns.close());

  it('answers A with the configured IP (case-insensitive, default for unknown names)', async () => {
    expect(await resolver().resolve4('api.test')).toEqual(['127.0.0.42']);
    expect(await resolver().resolve4('API.Test')).toEqual(['127.0.0.42']);
    expect(await resolver().resolve4('anything.else')).toEqual(['127.0.0.1']);
  });

  it('answers AAAA with NOERROR and no records', async () => {
    expect(await codeOf(resolver().resolve6('api.test'))).toBe('ENODATA');
  });

  it('nxdomain → ENOTFOUND, servfail → ESERVFAIL, silent → ETIMEOUT', async () => {
    const before = dns.queries;
    expect(await codeOf(resolver().resolve4('gone.test'))).toBe('ENOTFOUND');
    expect(await codeOf(resolver().resolve4('broken.test'))).toBe('ESERVFAIL');
    const t0 = Date.now();
    expect(await codeOf(resolver().resolve4('mute.test'))).toBe('ETIMEOUT');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(dns.queries).toBeGreaterThanOrEqual(before + 3);
  });
});

describe('tcp-peers', () => {
  it('blackhole accepts but never sends', async () => {
    const peer = await startBlackhole();
    try {
      const sock = net.connect({ host: '127.0.0.1', port: peer.port });
      await new Promise((r) => sock.once('connect', r));
      expect(await outcome(sock, 'data', 800)).toEqual({ kind: 'timeout' });
    } finally {
      await peer.close();
    }
  });

  it('syn-drop makes connect time out (not refuse), deterministically', async () => {
    const peers = await Promise.all([startSynDrop(), startSynDrop(), startSynDrop()]);
    try {
      const results = await Promise.all(peers.flatMap((p) => [tcpProbe(p.port), tcpProbe(p.port)]));
      expect(results).toEqual(Array(6).fill({ kind: 'timeout' }));
    } finally {
      await Promise.all(peers.map((p) => p.close()));
    }
  });

  it('syn-drop port refuses once closed (child really gone)', async () => {
    const peer = await startSynDrop();
    await peer.close();
    expect(await tcpProbe(peer.port)).toEqual({ kind: 'error', code: 'ECONNREFUSED' });
  });

  it('freeClosedPort → ECONNREFUSED', async () => {
    expect(await tcpProbe(await freeClosedPort())).toEqual({ kind: 'error', code: 'ECONNREFUSED' });
  });
});

describe('certs + tls peers', () => {
  let certs: CertSet;
  let ca: Buffer;
  beforeAll(async () => {
    certs = await makeCerts();
    ca = readFileSync(certs.caCert);
  });
  afterAll(() => rm(certs.dir, { recursive: true, force: true }));

  async function handshake(pair: KeyPair, opts: tls.ConnectionOptions = {}): Promise<Outcome> {
    const peer = await startTlsServer(pair);
    try {
      const sock = tls.connect({ host: '127.0.0.1', servername: 'localhost', port: peer.port, ca, ...opts });
      return await outcome(sock, 'secureConnect', 3000);
    } finally {
      await peer.close();
    }
  }

  it('valid → secureConnect, by name and by IP SAN', async () => {
    expect(await handshake(certs.valid)).toEqual({ kind: 'connect' });
    expect(await handshake(certs.valid, { servername: undefined })).toEqual({ kind: 'connect' });
  });

  it('expired → CERT_HAS_EXPIRED', async () => {
    expect(await handshake(certs.expired)).toEqual({ kind: 'error', code: 'CERT_HAS_EXPIRED' });
  });

  it('wrongHost → ERR_TLS_CERT_ALTNAME_INVALID', async () => {
    expect(await handshake(certs.wrongHost)).toEqual({ kind: 'error', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('selfSigned → DEPTH_ZERO_SELF_SIGNED_CERT', async () => {
    expect(await handshake(certs.selfSigned)).toEqual({ kind: 'error', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });

  it('startTlsServer serves the default users page over https', async () => {
    const peer = await startTlsServer(certs.valid);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(`${peer.url}/v1/users`, { ca, servername: 'localhost' }, (res) => {
            let b = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (b += c));
            res.on('end', () => resolve(`${res.statusCode} ${b}`));
          })
          .on('error', reject);
      });
      expect(body).toBe('200 {"users":[],"nextCursor":null,"nextPageUrl":null}');
    } finally {
      await peer.close();
    }
  });

  it('tls stall: TCP connects, handshake never completes', async () => {
    const peer = await startTlsStall();
    try {
      const sock = tls.connect({ host: '127.0.0.1', servername: 'localhost', port: peer.port, ca });
      expect(await outcome(sock, 'secureConnect', 1000)).toEqual({ kind: 'timeout' });
    } finally {
      await peer.close();
    }
  });

  it('close() is prompt even with a client stuck mid-handshake', async () => {
    const peer = await startTlsServer(certs.valid);
    const raw = net.connect({ host: '127.0.0.1', port: peer.port }); // never sends a ClientHello
    raw.on('error', () => {});
    await new Promise((r) => raw.once('connect', r));
    const t0 = Date.now();
    await peer.close();
    expect(Date.now() - t0).toBeLessThan(500);
    raw.destroy();
  });
});

describe('http-peers', () => {
  it('serves, counts requests, and closes despite a hanging response', async () => {
    const peer = await startHttpServer((req, res) => {
      if (req.url === '/hang') return; // never respond
      res.end('ok');
    });
    // node:http without an agent, not fetch: undici's global dispatcher keeps
    // its own timers alive after the test, which the leak check below would
    // blame on the helper (it did, in about half the runs).
    expect(await plainGet(`${peer.url}/`)).toBe('ok');
    const hang = plainGet(`${peer.url}/hang`).catch((e: Error) => e);
    while (peer.requests < 2) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    await peer.close();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(await hang).toBeInstanceOf(Error);
    expect(peer.requests).toBe(2);
  });
});

// Every helper's close() must leave nothing behind, or vitest would hang.
// Compared with what was active before any helper ran: the runner's own
// hook-timeout timer is active in both hooks and is not a helper's leak.
const watched = () => process.getActiveResourcesInfo().filter((r) => /TCP|UDP|Process|Timeout/.test(r)).sort();
let baseline: string[] = [];
beforeAll(() => {
  baseline = watched();
});
afterAll(async () => {
  await new Promise((r) => setTimeout(r, 50)); // let destroyed sockets finish closing
  expect(watched()).toEqual(baseline);
});
