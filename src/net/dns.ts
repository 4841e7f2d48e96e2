// DNS phase. We first resolve the way the integration itself would (the
// system resolver, /etc/hosts included); when that fails, getaddrinfo's
// EAI_AGAIN hides whether the server said SERVFAIL or said nothing, so we ask
// c-ares, which reports the DNS answer itself. With --dns-server we only use
// c-ares against the named server, which is how "is it my resolver?" is asked.
import { lookup, Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { errorCode } from '../core/errors.js';
import { now, since, withTimeout } from './timing.js';

export type DnsFailure = 'nxdomain' | 'servfail' | 'timeout' | 'error';

export type DnsOutcome =
  | { ok: true; durationMs: number; addresses: Array<{ address: string; family: 4 | 6 }>; via: 'literal' | 'system' | 'resolver' }
  | { ok: false; durationMs: number; kind: DnsFailure; code: string; via: 'system' | 'resolver'; servers?: string[] };

export interface DnsOptions {
  timeoutMs: number;
  servers?: string[];
  signal?: AbortSignal;
}

const TIMEOUT = 'ETIMEOUT';

export async function resolveHost(host: string, opts: DnsOptions): Promise<DnsOutcome> {
  const t0 = now();
  const bare = host.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family) return { ok: true, durationMs: 0, addresses: [{ address: bare, family: family as 4 | 6 }], via: 'literal' };

  if (opts.servers?.length) {
    const r = await viaResolver(bare, opts.timeoutMs, opts.servers, opts.signal);
    return r.ok
      ? { ok: true, durationMs: since(t0), addresses: r.addresses, via: 'resolver' }
      : { ok: false, durationMs: since(t0), kind: kindOf(r.code), code: r.code, via: 'resolver', servers: opts.servers };
  }

  try {
    const found = await withTimeout(
      lookup(bare, { all: true, verbatim: true }),
      opts.timeoutMs,
      () => {
        throw Object.assign(new Error('lookup timed out'), { code: TIMEOUT });
      },
      opts.signal,
    );
    return { ok: true, durationMs: since(t0), addresses: found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })), via: 'system' };
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const code = errorCode(err) ?? 'EUNKNOWN';
    if (code === 'ENOTFOUND') return { ok: false, durationMs: since(t0), kind: 'nxdomain', code, via: 'system' };
    // EAI_AGAIN or our own timeout: let c-ares tell SERVFAIL from silence,
    // within what is left of the budget.
    const left = Math.max(200, opts.timeoutMs - since(t0));
    const r = await viaResolver(bare, left, undefined, opts.signal);
    const detail = r.ok ? code : r.code;
    return { ok: false, durationMs: since(t0), kind: r.ok ? kindOf(code) : kindOf(r.code), code: detail, via: 'system' };
  }
}

function kindOf(code: string): DnsFailure {
  switch (code) {
    case 'ENOTFOUND':
    case 'ENODATA':
    case 'ENONAME':
      return 'nxdomain';
    case 'ESERVFAIL':
    case 'EREFUSED':
      return 'servfail';
    case TIMEOUT:
    case 'EAI_AGAIN':
    case 'ECONNREFUSED':
      return 'timeout';
    default:
      return 'error';
  }
}

type ResolverOutcome = { ok: true; addresses: Array<{ address: string; family: 4 | 6 }> } | { ok: false; code: string };

async function viaResolver(host: string, timeoutMs: number, servers: string[] | undefined, signal?: AbortSignal): Promise<ResolverOutcome> {
  const resolver = new Resolver({ timeout: Math.max(100, Math.floor(timeoutMs)), tries: 1 });
  if (servers) resolver.setServers(servers);
  const settle = <T>(p: Promise<T>) => p.then((v) => ({ v }), (e: unknown) => ({ e }));
  const work = Promise.all([settle(resolver.resolve4(host)), settle(resolver.resolve6(host))]);
  const [a, aaaa] = await withTimeout(
    work,
    timeoutMs + 100,
    () => {
      resolver.cancel();
      const e = { e: Object.assign(new Error('timeout'), { code: TIMEOUT }) };
      return [e, e] as const;
    },
    signal,
  );
  const addresses = [
    ...('v' in a ? a.v.map((address) => ({ address, family: 4 as const })) : []),
    ...('v' in aaaa ? aaaa.v.map((address) => ({ address, family: 6 as const })) : []),
  ];
  if (addresses.length) return { ok: true, addresses };
  // The A answer is the more telling one (servers often refuse AAAA oddly).
  const codeA = 'e' in a ? errorCode(a.e) : undefined;
  const codeB = 'e' in aaaa ? errorCode(aaaa.e) : undefined;
  const code = codeA && codeA !== 'ENODATA' ? codeA : codeB && codeB !== 'ENODATA' ? codeB : codeA ?? codeB ?? 'ENODATA';
  return { ok: false, code: code === 'ECANCELLED' ? TIMEOUT : code };
}
