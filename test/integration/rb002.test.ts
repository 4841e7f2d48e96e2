// RB-002 end to end: diagnose --log on real files (plain, gzip, stdin), the
// sandbox's own request log, and the parallel reader giving the same counts
// as the single-threaded one, through the built CLI.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, parseDiagnosis, runCli } from '../helpers/run-cli.js';
import { schemaErrors } from '../helpers/schema.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/mx-runbook.js');
let dir: string;

const pino = (status: number, url: string, time = 1_796_119_200_000) => JSON.stringify({ level: 30, time, req: { id: 1, method: 'GET', url }, res: { statusCode: status }, msg: 'request completed' });

/** 100 requests: 80 × 200, 10 × 503 on /v1/workorders/:id, 6 × 401 on /v1/users, 4 × 429 on /v1/assets. */
function mixedLines(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 80; i++) out.push(pino(200, `/v1/workorders?limit=${i}`, 1_796_119_200_000 + i * 1000));
  for (let i = 0; i < 10; i++) out.push(pino(503, `/v1/workorders/${1000 + i}?x=1`, 1_796_119_280_000 + i * 1000));
  for (let i = 0; i < 6; i++) out.push(pino(401, '/v1/users?limit=1', 1_796_119_290_000 + i * 1000));
  for (let i = 0; i < 4; i++) out.push(pino(429, `/v1/assets`, 1_796_119_296_000 + i * 1000));
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mx-rb002-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function diagnose(args: string[], opts: { stdin?: Readable; env?: Record<string, string> } = {}) {
  const r = await runCli(['diagnose', 'RB-002', '--ci', '--json', ...args], opts);
  const d = parseDiagnosis(r.stdout);
  expect(schemaErrors(d)).toEqual([]);
  const rb = d.runbooks[0]!;
  return { r, d, rb, dist: rb.checks.find((c) => c.id === 'distribution')!.data as Record<string, unknown> };
}

describe('diagnose RB-002 --log', () => {
  it('counts, groups (normalised, sorted) and the patterns, with their numbers', async () => {
    const file = join(dir, 'mixed.ndjson');
    writeFileSync(file, `${mixedLines().join('\n')}\n`);
    const { r, rb, dist } = await diagnose(['--log', file]);
    expect(dist).toMatchObject({ total: 100, errors: 20, errorRate: 0.2, invalidLines: 0 });
    expect(dist['groups']).toEqual([
      { status: 503, endpoint: '/v1/workorders/:id', count: 10 },
      { status: 401, endpoint: '/v1/users', count: 6 },
      { status: 429, endpoint: '/v1/assets', count: 4 },
    ]);
    expect(codes({ ...parseDiagnosis(r.stdout) }, 'RB-002').sort()).toEqual(['auth_errors', 'error_rate_high', 'rate_limited', 'server_errors']);
    const byCode = Object.fromEntries(rb.findings.map((f) => [f.code, f]));
    expect(byCode['error_rate_high']!.severity).toBe('SEV3');
    expect(byCode['error_rate_high']!.evidence).toMatchObject({ errorRate: 0.2, errors: 20, total: 100 });
    expect(byCode['server_errors']!.evidence).toMatchObject({ count: 10, share: 0.1 });
    expect(byCode['auth_errors']!.evidence).toMatchObject({ count: 6, share: 0.06 });
    expect(byCode['auth_errors']!.severity).toBe('SEV3');
    // 4 of 100 is under the 5% line: informational.
    expect(byCode['rate_limited']!.severity).toBe('SEV4');
    expect(byCode['rate_limited']!.evidence['requestsPerMinute']).toBeGreaterThan(0);
    for (const f of rb.findings) expect(f.mitigation.length).toBeGreaterThan(0);
    expect(r.code).toBe(1);
  });

  it('a gzip file and stdin give the same counts as the plain file', async () => {
    const text = `${mixedLines().join('\n')}\n`;
    const gz = join(dir, 'rotated.log.1'); // no .gz suffix: detected by its magic bytes
    writeFileSync(gz, gzipSync(text));
    const a = await diagnose(['--log', gz]);
    const b = await diagnose(['--log', '-'], { stdin: Readable.from([Buffer.from(text.slice(0, 777)), Buffer.from(text.slice(777))]) });
    for (const x of [a, b]) expect(x.dist).toMatchObject({ total: 100, errors: 20, invalidLines: 0 });
  });

  it('--since keeps only the window, by each line’s own time', async () => {
    const file = join(dir, 'window.ndjson');
    const now = Date.now();
    writeFileSync(file, [pino(500, '/v1/users', now - 3_600_000), pino(500, '/v1/users', now - 60_000), pino(200, '/v1/users', now - 30_000)].join('\n'));
    const { dist } = await diagnose(['--log', file, '--since', '15m']);
    expect(dist).toMatchObject({ total: 2, errors: 1 });
    expect((dist['files'] as Array<{ outsideWindow: number }>)[0]!.outsideWindow).toBe(1);
  });

  it('an access log with unreadable lines: counted, first line numbers shown', async () => {
    const file = join(dir, 'access.log');
    const ok = (st: number, path: string) => `2001:db8::1 - - [01/Dec/2026:10:00:00 +0000] "GET ${path} HTTP/1.1" ${st} 12 "-" "curl/8"`;
    writeFileSync(file, [ok(200, '/v1/users'), 'garbage line', ok(502, '/v1/workorders/77'), '', '{"not":"an access log"}', ok(404, '/v1/assets/9')].join('\r\n'));
    const { r, dist } = await diagnose(['--log', file]);
    expect(dist).toMatchObject({ total: 3, errors: 2, invalidLines: 2 });
    expect(dist['invalidSamples']).toEqual([
      { source: file, line: 2 },
      { source: file, line: 5 },
    ]);
    const t = await runCli(['diagnose', 'RB-002', '--ci', '--log', file]);
    expect(t.stdout).toMatch(/2 unreadable line\(s\), first at .*access\.log:2, .*access\.log:5/);
    expect(t.stdout).toMatch(/502\s+\/v1\/workorders\/:id\s+1\s+50\.0%\s+█+/);
    expect(r.code).toBe(1);
  });

  it('a path that cannot be read: log_unreadable, one line, no crash', async () => {
    const missing = join(dir, 'nope.log');
    const { r, rb } = await diagnose(['--log', missing, '--log', dir]);
    const msgs = rb.findings.filter((f) => f.code === 'log_unreadable').map((f) => f.message);
    expect(msgs).toEqual([`cannot read log ${missing}: no such file`, `cannot read log ${dir}: is a directory, not a log file`]);
    expect(rb.findings.find((f) => f.code === 'log_unreadable')!.severity).toBe('SEV3');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('RB-002 without --log is skipped, naming the flag', async () => {
    const r = await runCli(['diagnose', '--ci', '--json', '--base-url', 'http://127.0.0.1:1/v1', '--status-url', 'http://127.0.0.1:1']);
    const rb = parseDiagnosis(r.stdout).runbooks.find((x) => x.id === 'RB-002') as unknown as { status: string; skippedReason: string };
    expect(rb.status).toBe('skipped');
    expect(rb.skippedReason).toContain('--log FILE');
  });

  it('named without --log: a usage error (exit 2) naming the flag', async () => {
    const r = await runCli(['diagnose', 'RB-002', '--ci']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--log FILE');
  });
});

// One table, two profiles: the log is the provider's own endpoints.
describe.each([
  { provider: 'maintainx', endpoint: /^\/v1\//, label: (s: string) => s },
  { provider: 'flexport', endpoint: /^\/(shipments|shipment_legs|bookings)/, label: (s: string) => s.replace(/^SEV/, 'P') },
] as const)('the $provider sandbox writes the request log its scenario implies', ({ provider, endpoint, label }) => {
  it.each([
    ['error-storm', ['error_rate_high', 'server_errors'], 'SEV2'],
    ['auth-failure', ['auth_errors', 'error_rate_high'], 'SEV2'],
    ['rate-limited', ['error_rate_high', 'rate_limited'], 'SEV3'],
    ['healthy', [], 'NONE'],
  ] as const)('--sandbox %s → %j', async (scenario, expected, sev) => {
    const r = await runCli(['diagnose', 'RB-002', '--ci', '--json', '--provider', provider, '--sandbox', scenario]);
    const d = parseDiagnosis(r.stdout);
    expect([...codes(d, 'RB-002')].sort()).toEqual([...expected]);
    expect(d.runbooks[0]!.severity).toBe(sev);
    expect(d.runbooks[0]!.severityLabel).toBe(label(sev));
    const groups = (d.runbooks[0]!.checks[0]!.data as { groups: Array<{ endpoint: string }> }).groups;
    if (scenario !== 'healthy') {
      expect(groups.length).toBeGreaterThan(0);
      for (const g of groups) expect(g.endpoint).toMatch(endpoint);
    }
  });
});

describe('the parallel reader (built CLI, worker threads) counts exactly as the single-threaded one', () => {
  it('same distribution, same invalid line numbers, with CRLF, blanks, junk, BOM and an overlong line', async () => {
    const file = join(dir, 'parallel.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < 6000; i++) {
      if (i % 997 === 0) lines.push('{"truncated":');
      else if (i % 1499 === 0) lines.push('');
      else if (i === 3000) lines.push(`{"msg":"${'x'.repeat(2_000_000)}"}`);
      else lines.push(pino([200, 200, 201, 404, 503][i % 5]!, `/v1/workorders/${i}`));
    }
    writeFileSync(file, `\uFEFF${lines.join('\r\n')}`);
    const cli = (threads: string) =>
      run(process.execPath, [BIN, 'diagnose', 'RB-002', '--ci', '--json', '--fail-on', 'none', '--log', file], { env: { ...process.env, NO_COLOR: '1', MX_RUNBOOK_LOG_THREADS: threads, MX_RUNBOOK_PARALLEL_MIN_BYTES: '0' }, maxBuffer: 32 << 20 });
    const [one, three] = await Promise.all([cli('1'), cli('3')]);
    const a = parseDiagnosis(one.stdout).runbooks[0]!.checks[0]!.data as Record<string, unknown>;
    const b = parseDiagnosis(three.stdout).runbooks[0]!.checks[0]!.data as Record<string, unknown>;
    expect(a['total']).toBe(6000 - 7 - 4 - 1); // not truncated, not blank, not the overlong one
    expect(a['invalidLines']).toBe(7 + 1);
    // The parallel path really ran (3 workers), and agrees to the line.
    expect((a['files'] as Array<{ threads: number }>)[0]!.threads).toBe(1);
    expect((b['files'] as Array<{ threads: number }>)[0]!.threads).toBe(3);
    const strip = (x: Record<string, unknown>) => ({ ...x, files: (x['files'] as Array<Record<string, unknown>>).map(({ threads: _t, ...rest }) => rest) });
    expect(strip(b)).toEqual(strip(a));
  });
});
