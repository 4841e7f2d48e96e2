// Throwaway TLS material (via the openssl CLI) plus TLS loopback peers, so the
// probe's certificate-fault classification is tested against real handshakes.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { closableServer, listenLoopback, startBlackhole, type TcpPeer } from './tcp-peers.js';

const run = promisify(execFile);

export interface KeyPair {
  key: string; // PEM path
  cert: string; // PEM path
}

export interface CertSet {
  dir: string;
  /** PEM path of the CA tests trust explicitly (never the system store). */
  caCert: string;
  valid: KeyPair;
  expired: KeyPair;
  wrongHost: KeyPair;
  selfSigned: KeyPair;
}

// One config for req and ca so nothing depends on the system openssl.cnf.
// unique_subject=no: valid and expired deliberately share CN=localhost.
const config = (dir: string) => `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = ${dir}
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir/issued
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
commonName = supplied
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ leaf_localhost ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[ leaf_wrong ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
`;

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']; // P-256: keygen is instant

/** openssl ca date format (UTCTime, YYMMDDHHMMSSZ). */
const utc = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

export async function makeCerts(): Promise<CertSet> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mx-runbook-certs-'));
  const p = (name: string) => path.join(dir, name);
  const cnf = p('openssl.cnf');
  await writeFile(cnf, config(dir));
  await writeFile(p('index.txt'), '');
  await writeFile(p('serial'), '1000\n');
  await mkdir(p('issued'));
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });

  await openssl('req', '-x509', '-config', cnf, ...EC, '-keyout', p('ca.key'), '-out', p('ca.pem'),
    '-days', '7', '-subj', '/CN=mx-runbook test CA', '-extensions', 'v3_ca');

  // Self-signed leaf: CA:FALSE, so the trusted CA file cannot vouch for it.
  const selfSigned = openssl('req', '-x509', '-config', cnf, ...EC, '-keyout', p('self.key'),
    '-out', p('self.pem'), '-days', '7', '-subj', '/CN=localhost', '-extensions', 'leaf_localhost');
  const csr = (name: string, cn: string) =>
    openssl('req', '-new', '-config', cnf, ...EC, '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', `/CN=${cn}`);
  await Promise.all([selfSigned, csr('valid', 'localhost'), csr('expired', 'localhost'), csr('wrong', 'wrong.example')]);

  // `openssl ca` shares index.txt/serial, so sign one at a time. It (unlike
  // `x509 -req` in 3.0) accepts explicit dates, which is how we backdate.
  const sign = (name: string, ext: string, validity: string[]) =>
    openssl('ca', '-batch', '-config', cnf, '-notext', '-in', p(`${name}.csr`), '-out', p(`${name}.pem`), '-extensions', ext, ...validity);
  const day = 86_400_000;
  const now = Date.now();
  await sign('valid', 'leaf_localhost', ['-days', '7']);
  await sign('expired', 'leaf_localhost', ['-startdate', utc(new Date(now - 3 * day)), '-enddate', utc(new Date(now - day))]);
  await sign('wrong', 'leaf_wrong', ['-days', '7']);

  const pair = (name: string): KeyPair => ({ key: p(`${name}.key`), cert: p(`${name}.pem`) });
  return {
    dir,
    caCert: p('ca.pem'),
    valid: pair('valid'),
    expired: pair('expired'),
    wrongHost: pair('wrong'),
    selfSigned: pair('self'),
  };
}

// The shape of a healthy first page from the users endpoint the probe calls.
const defaultHandler: http.RequestListener = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ users: [], nextCursor: null, nextPageUrl: null }));
};

export interface TlsPeer extends TcpPeer {
  /** e.g. "https://127.0.0.1:40123" (use servername/Host "localhost" to match the SAN by name). */
  url: string;
}

/** HTTPS server on 127.0.0.1 presenting `pair`. */
export async function startTlsServer(pair: KeyPair, handler: http.RequestListener = defaultHandler): Promise<TlsPeer> {
  const server = https.createServer({ key: readFileSync(pair.key), cert: readFileSync(pair.cert) }, handler);
  // Track raw TCP sockets, not just HTTP ones: closeAllConnections() misses
  // clients still mid-handshake (or stalled in it), which would hold close().
  const close = closableServer(server);
  const port = await listenLoopback(server);
  return { port, url: `https://127.0.0.1:${port}`, close };
}

/** Accepts TCP and swallows the ClientHello: the TLS handshake never completes. */
export const startTlsStall = (): Promise<TcpPeer> => startBlackhole();
