import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_BASE_URL,
  DEFAULT_STATUS_URL,
  DEFAULT_TIMEOUT_MS,
  loadConfig,
  type ConfigFlags,
} from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';
import { DEFAULT_THRESHOLDS } from '../../src/core/severity.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mx-runbook-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const writeConfig = (values: unknown, name = 'mx-runbook.config.json') =>
  writeFile(join(dir, name), typeof values === 'string' ? values : JSON.stringify(values), 'utf8');

/** The UsageError a load throws (fails the test when it does not throw one). */
async function usageError(flags: ConfigFlags, env: Record<string, string> = {}): Promise<UsageError> {
  const err = await loadConfig(flags, env, dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  const u = err as UsageError;
  expect(u.message).not.toMatch(/\n/);
  return u;
}

describe('defaults', () => {
  it('with no flags, env or file', async () => {
    const c = await loadConfig({}, {}, dir);
    expect(c).toMatchObject({
      baseUrl: DEFAULT_BASE_URL,
      statusUrl: DEFAULT_STATUS_URL,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      failOn: 'SEV3',
      orgId: undefined,
      apiKey: undefined,
      redisUrl: undefined,
      webhookUrl: undefined,
    });
    expect(DEFAULT_BASE_URL).toBe('https://api.getmaintainx.com/v1');
    expect(DEFAULT_STATUS_URL).toBe('https://status.getmaintainx.com');
    expect(DEFAULT_TIMEOUT_MS).toBe(5000);
    expect(c.policy).toEqual({ thresholds: DEFAULT_THRESHOLDS, overrides: {} });
    expect(c.sources['baseUrl']).toBe('default');
  });
});

describe('precedence: flags > env > file > defaults', () => {
  // [setting, flags, env var, file key, config key, values for flag/env/file, expected default]
  type Row = {
    name: string;
    flag: keyof ConfigFlags;
    env?: string;
    fileKey: string;
    key: 'baseUrl' | 'orgId' | 'statusUrl' | 'timeoutMs' | 'failOn';
    flagVal: string;
    envVal?: string;
    fileVal: unknown;
    want: { flag: unknown; env?: unknown; file: unknown; dflt: unknown };
  };
  const rows: Row[] = [
    {
      name: 'base URL', flag: 'baseUrl', env: 'MAINTAINX_BASE_URL', fileKey: 'baseUrl', key: 'baseUrl',
      flagVal: 'https://flag.example/v1', envVal: 'https://env.example/v1', fileVal: 'https://file.example/v1',
      want: { flag: 'https://flag.example/v1', env: 'https://env.example/v1', file: 'https://file.example/v1', dflt: DEFAULT_BASE_URL },
    },
    {
      name: 'org id', flag: 'orgId', env: 'MAINTAINX_ORG_ID', fileKey: 'orgId', key: 'orgId',
      flagVal: '111', envVal: '222', fileVal: 333,
      want: { flag: '111', env: '222', file: '333', dflt: undefined },
    },
    {
      name: 'status URL', flag: 'statusUrl', env: 'MAINTAINX_STATUS_URL', fileKey: 'statusUrl', key: 'statusUrl',
      flagVal: 'https://flag-status.example', envVal: 'https://env-status.example', fileVal: 'https://file-status.example',
      want: { flag: 'https://flag-status.example', env: 'https://env-status.example', file: 'https://file-status.example', dflt: DEFAULT_STATUS_URL },
    },
    {
      name: 'timeout', flag: 'timeout', fileKey: 'timeoutMs', key: 'timeoutMs',
      flagVal: '1200', fileVal: 3400,
      want: { flag: 1200, file: 3400, dflt: 5000 },
    },
    {
      name: 'fail-on', flag: 'failOn', fileKey: 'failOn', key: 'failOn',
      flagVal: 'sev1', fileVal: 'P2',
      want: { flag: 'SEV1', file: 'SEV2', dflt: 'SEV3' },
    },
  ];

  describe.each(rows)('$name', (r) => {
    const env = r.env && r.envVal ? { [r.env]: r.envVal } : {};
    it('flag beats env and file', async () => {
      await writeConfig({ [r.fileKey]: r.fileVal });
      const c = await loadConfig({ [r.flag]: r.flagVal }, env, dir);
      expect(c[r.key]).toEqual(r.want.flag);
      expect(c.sources[r.key]).toBe('flag');
    });
    if (r.env) {
      it('env beats file', async () => {
        await writeConfig({ [r.fileKey]: r.fileVal });
        const c = await loadConfig({}, env, dir);
        expect(c[r.key]).toEqual(r.want.env);
        expect(c.sources[r.key]).toBe('env');
      });
      it('an empty env var falls through to the file', async () => {
        await writeConfig({ [r.fileKey]: r.fileVal });
        const c = await loadConfig({}, { [r.env!]: '' }, dir);
        expect(c[r.key]).toEqual(r.want.file);
      });
    }
    it('file beats default (mx-runbook.config.json in cwd)', async () => {
      await writeConfig({ [r.fileKey]: r.fileVal });
      const c = await loadConfig({}, {}, dir);
      expect(c[r.key]).toEqual(r.want.file);
      expect(c.sources[r.key]).toBe('file');
    });
    it('file named by --config beats default', async () => {
      await mkdir(join(dir, 'elsewhere'));
      await writeConfig({ [r.fileKey]: r.fileVal }, 'elsewhere/custom.json');
      const c = await loadConfig({ config: 'elsewhere/custom.json' }, {}, dir);
      expect(c[r.key]).toEqual(r.want.file);
    });
    it('default when nothing sets it', async () => {
      const c = await loadConfig({}, {}, dir);
      expect(c[r.key]).toEqual(r.want.dflt);
      expect(c.sources[r.key]).toBe('default');
    });
  });

  it('--config replaces the cwd file instead of merging with it', async () => {
    await writeConfig({ baseUrl: 'https://cwd.example/v1', timeoutMs: 1111 });
    await writeConfig({ statusUrl: 'https://named.example' }, 'named.json');
    const c = await loadConfig({ config: join(dir, 'named.json') }, {}, dir);
    expect(c.baseUrl).toBe(DEFAULT_BASE_URL);
    expect(c.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(c.statusUrl).toBe('https://named.example');
  });

  it('trailing slashes are dropped from URLs', async () => {
    const c = await loadConfig({ baseUrl: 'https://x.example/v1///', statusUrl: 'https://s.example/' }, {}, dir);
    expect(c.baseUrl).toBe('https://x.example/v1');
    expect(c.statusUrl).toBe('https://s.example');
  });

  it('secrets come from the environment', async () => {
    const c = await loadConfig({}, { MAINTAINX_API_KEY: 'k-123456', MAINTAINX_WEBHOOK_SECRET: 'whsec_abc' }, dir);
    expect(c.apiKey).toBe('k-123456');
    expect(c.webhookSecret).toBe('whsec_abc');
  });

  it('a UTF-8 BOM in the file is tolerated', async () => {
    await writeConfig(`\uFEFF${JSON.stringify({ timeoutMs: 777 })}`);
    expect((await loadConfig({}, {}, dir)).timeoutMs).toBe(777);
  });
});

describe('severities naming an unknown code', () => {
  it('warns, so a misspelt code does not silently change nothing', async () => {
    await writeConfig({ severities: { http_auth_invalid: 'SEV2', http_auth_invlid: 'SEV3' } });
    const warnings: string[] = [];
    const c = await loadConfig({}, {}, dir, (m) => warnings.push(m));
    expect(c.policy.overrides['http_auth_invalid']).toBe('SEV2');
    expect(warnings.filter((w) => w.includes('http_auth_invlid'))).toHaveLength(1);
    expect(warnings.some((w) => w.includes('severities.http_auth_invalid'))).toBe(false);
  });
});

describe('secrets in a config file are refused', () => {
  it.each([
    ['apiKey', 'MAINTAINX_API_KEY'],
    ['api_key', 'MAINTAINX_API_KEY'],
    ['token', 'MAINTAINX_API_KEY'],
    ['webhookSecret', 'MAINTAINX_WEBHOOK_SECRET'],
    ['secret', 'MAINTAINX_WEBHOOK_SECRET'],
    ['password', 'REDIS_URL'],
  ])('%s → names %s', async (key, envVar) => {
    await writeConfig({ baseUrl: 'https://x.example/v1', [key]: 'sekret-value' });
    const err = await usageError({});
    expect(err.message).toContain(envVar);
    expect(err.message).toContain(`"${key}"`);
    // The refusal must not echo the secret it refused.
    expect(err.message).not.toContain('sekret-value');
  });

  it('also in a file named by --config', async () => {
    await writeConfig({ apiKey: 'sekret-value' }, 'named.json');
    const err = await usageError({ config: 'named.json' });
    expect(err.message).toContain('MAINTAINX_API_KEY');
  });
});

describe('bad input → one-line UsageError', () => {
  it('invalid JSON names the file', async () => {
    await writeConfig('{ "baseUrl": ');
    const err = await usageError({});
    expect(err.message).toMatch(/not valid JSON/);
    expect(err.message).toContain(join(dir, 'mx-runbook.config.json'));
  });

  it.each([['[]'], ['"text"'], ['42'], ['null']])('a JSON %s that is not an object', async (text) => {
    await writeConfig(text);
    const err = await usageError({});
    expect(err.message).toMatch(/must hold a JSON object/);
  });

  it('a missing --config file', async () => {
    const err = await usageError({ config: 'nope.json' });
    expect(err.message).toMatch(/cannot read config file .*nope\.json: ENOENT/);
  });

  it('a --config that is a directory', async () => {
    await mkdir(join(dir, 'adir'));
    const err = await usageError({ config: 'adir' });
    expect(err.message).toMatch(/cannot read config file .*adir: EISDIR/);
  });

  it.each<[string, ConfigFlags, Record<string, string>, RegExp]>([
    ['bad base URL flag', { baseUrl: 'not a url' }, {}, /--base-url: not a valid URL/],
    ['ftp base URL', { baseUrl: 'ftp://x.example' }, {}, /--base-url: expected a http: or https: URL/],
    ['bad base URL env', {}, { MAINTAINX_BASE_URL: 'api.getmaintainx.com' }, /not a valid URL/],
    ['bad status URL', { statusUrl: '::' }, {}, /--status-url: not a valid URL/],
    ['bad redis URL scheme', { redisUrl: 'http://localhost:6379' }, {}, /--redis-url: expected a redis: or rediss: URL/],
    ['bad webhook URL', { webhookUrl: 'nope' }, {}, /--webhook-url: not a valid URL/],
    ['timeout not a number', { timeout: 'soon' }, {}, /--timeout: expected milliseconds/],
    ['timeout zero', { timeout: '0' }, {}, /--timeout/],
    ['timeout negative', { timeout: '-5' }, {}, /--timeout/],
    ['timeout fractional', { timeout: '1.5' }, {}, /--timeout/],
    ['timeout too large', { timeout: '600001' }, {}, /--timeout/],
    ['timeout empty', { timeout: '' }, {}, /--timeout/],
    ['fail-on junk', { failOn: 'high' }, {}, /--fail-on: expected SEV1, SEV2, SEV3, SEV4 or none, got "high"/],
    ['fail-on sev5', { failOn: 'sev5' }, {}, /--fail-on/],
    ['org id flag', { orgId: 'acme' }, {}, /--org-id: expected a numeric organization id, got "acme"/],
    ['org id env', {}, { MAINTAINX_ORG_ID: '12a' }, /--org-id: expected a numeric/],
  ])('%s', async (_name, flags, env, re) => {
    const err = await usageError(flags, env);
    expect(err.message).toMatch(re);
  });

  it.each<[string, unknown, RegExp]>([
    ['non-numeric org id in the file', { orgId: 'acme' }, /numeric organization id/],
    ['a string timeout in the file', { timeoutMs: '3000' }, /"timeoutMs" must be a number/],
    ['a timeout of 0 in the file', { timeoutMs: 0 }, /--timeout/],
    ['a non-string baseUrl', { baseUrl: 42 }, /"baseUrl" must be a string/],
    ['a bad baseUrl', { baseUrl: 'nope' }, /not a valid URL/],
    ['bad failOn', { failOn: 'urgent' }, /--fail-on/],
    ['dnsServers not a list', { dnsServers: '1.1.1.1' }, /"dnsServers" must be a list of strings/],
  ])('%s', async (_name, file, re) => {
    await writeConfig(file);
    const err = await usageError({});
    expect(err.message).toMatch(re);
  });
});

describe('unknown keys', () => {
  it('produce a warning naming the key, and are otherwise ignored', async () => {
    await writeConfig({ baseUrl: 'https://x.example/v1', timeout: 100, $schema: './schemas/config.json' });
    const warnings: string[] = [];
    const c = await loadConfig({}, {}, dir, (m) => warnings.push(m));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/unknown setting "timeout" ignored/);
    expect(c.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(c.baseUrl).toBe('https://x.example/v1');
  });

  it('known keys give no warning', async () => {
    await writeConfig({ baseUrl: 'https://x.example/v1', orgId: 1, statusUrl: 'https://s.example', timeoutMs: 100, failOn: 'SEV2', dnsServers: ['1.1.1.1'], thresholds: {}, severities: {} });
    const warnings: string[] = [];
    await loadConfig({}, {}, dir, (m) => warnings.push(m));
    expect(warnings).toEqual([]);
  });
});

describe('thresholds and severities from the file', () => {
  it('thresholds override the defaults one by one', async () => {
    await writeConfig({ thresholds: { errorRateMinor: 0.1, slowMs: 250 } });
    const c = await loadConfig({}, {}, dir);
    expect(c.policy.thresholds).toEqual({ ...DEFAULT_THRESHOLDS, errorRateMinor: 0.1, slowMs: 250 });
    // the shared defaults are not mutated
    expect(DEFAULT_THRESHOLDS.errorRateMinor).toBe(0.05);
  });

  it('severities accept SEV/P/number/none spellings', async () => {
    await writeConfig({ severities: { http_rate_limited: 'sev1', cache_hit_rate_low: 'P3', sync_lag: '2', status_page_unreachable: 'none' } });
    const c = await loadConfig({}, {}, dir);
    expect(c.policy.overrides).toEqual({ http_rate_limited: 'SEV1', cache_hit_rate_low: 'SEV3', sync_lag: 'SEV2', status_page_unreachable: 'NONE' });
  });

  it.each<[string, unknown, RegExp]>([
    ['thresholds not an object', { thresholds: 5 }, /"thresholds" must be an object/],
    ['unknown threshold', { thresholds: { errorRate: 0.1 } }, /unknown threshold "errorRate" \(known: errorRateMinor/],
    ['negative threshold', { thresholds: { slowMs: -1 } }, /threshold "slowMs" must be a non-negative number/],
    ['string threshold', { thresholds: { slowMs: '100' } }, /threshold "slowMs"/],
    ['severities not an object', { severities: 'SEV1' }, /"severities" must be an object/],
    ['bad severity value', { severities: { dns_nxdomain: 'critical' } }, /severities\.dns_nxdomain must be SEV1-SEV4 or NONE/],
    ['non-string severity value', { severities: { dns_nxdomain: 1 } }, /severities\.dns_nxdomain/],
  ])('%s', async (_name, file, re) => {
    await writeConfig(file);
    const err = await usageError({});
    expect(err.message).toMatch(re);
  });
});
