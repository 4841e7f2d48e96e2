// The provider setting and what it changes in the resolved config: defaults,
// environment variable names, the Flexport-Version header, queue keys, and
// the settings that mean nothing to one of the two vendors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiHeaders, loadConfig, type ConfigFlags } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';
import { secretsFromEnv } from '../../src/core/redact.js';
import { parseSeverity } from '../../src/core/severity.js';
import { providerProfile } from '../../src/providers/registry.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mx-runbook-provider-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const writeConfig = (values: unknown) => writeFile(join(dir, 'mx-runbook.config.json'), JSON.stringify(values), 'utf8');
async function usageError(flags: ConfigFlags, env: Record<string, string> = {}): Promise<UsageError> {
  const err = await loadConfig(flags, env, dir).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UsageError);
  expect((err as Error).message).not.toMatch(/\n/);
  return err as UsageError;
}

describe('provider: flag > MX_RUNBOOK_PROVIDER > file > maintainx', () => {
  it('defaults to maintainx', async () => {
    const c = await loadConfig({}, {}, dir);
    expect(c.provider).toBe('maintainx');
    expect(c.sources['provider']).toBe('default');
    expect(c.apiVersion).toBeUndefined();
  });
  it.each([
    ['flag', { provider: 'flexport' }, { MX_RUNBOOK_PROVIDER: 'maintainx' }, { provider: 'maintainx' }],
    ['env', {}, { MX_RUNBOOK_PROVIDER: 'flexport' }, { provider: 'maintainx' }],
    ['file', {}, {}, { provider: 'flexport' }],
  ] as const)('from the %s', async (source, flags, env, file) => {
    await writeConfig(file);
    const c = await loadConfig(flags, env, dir);
    expect(c.provider).toBe('flexport');
    expect(c.sources['provider']).toBe(source);
  });
  it('an unknown provider is a one-line usage error naming both', async () => {
    const err = await usageError({ provider: 'acme' });
    expect(err.message).toContain('"acme"');
    expect(err.message).toContain('maintainx or flexport');
  });
});

describe('the Flexport profile', () => {
  it('its base URL, status page, key, secret, version and queue keys', async () => {
    const c = await loadConfig({ provider: 'flexport' }, { FLEXPORT_API_KEY: 'fx-key-1234', FLEXPORT_WEBHOOK_SECRET: 'fx-secret-1234', MAINTAINX_API_KEY: 'mx-key-should-not-be-used' }, dir);
    expect(c).toMatchObject({
      baseUrl: 'https://api.flexport.com',
      statusUrl: 'https://status.flexport.com',
      apiKey: 'fx-key-1234',
      webhookSecret: 'fx-secret-1234',
      apiVersion: '2',
      queue: { queueKey: 'flexport:webhook:queue', failedKey: 'flexport:webhook:failed' },
    });
    expect(apiHeaders(c)).toEqual({ 'flexport-version': '2' });
  });
  it('FLEXPORT_BASE_URL / FLEXPORT_STATUS_URL, not the MaintainX variables', async () => {
    const c = await loadConfig({ provider: 'flexport' }, { FLEXPORT_BASE_URL: 'https://fx.example', MAINTAINX_BASE_URL: 'https://mx.example/v1', FLEXPORT_STATUS_URL: 'https://st.example' }, dir);
    expect(c.baseUrl).toBe('https://fx.example');
    expect(c.statusUrl).toBe('https://st.example');
  });
  it.each([
    [{ apiVersion: '2026-01-15' }, {}, '2026-01-15'],
    [{}, { FLEXPORT_API_VERSION: '2024-06-01' }, '2024-06-01'],
    [{ apiVersion: '3' }, { FLEXPORT_API_VERSION: '2024-06-01' }, '3'],
  ] as const)('--api-version %j / env %j → %s', async (flags, env, want) => {
    const c = await loadConfig({ provider: 'flexport', ...flags }, env, dir);
    expect(c.apiVersion).toBe(want);
    expect(apiHeaders(c)['flexport-version']).toBe(want);
  });
  it('apiVersion from the config file', async () => {
    await writeConfig({ provider: 'flexport', apiVersion: '2025-02-28' });
    expect((await loadConfig({}, {}, dir)).apiVersion).toBe('2025-02-28');
  });
  it.each(['v2', '2026-13-01', '2026-02-30x', 'latest', ''])('a bad --api-version %j is a usage error', async (v) => {
    const err = await usageError({ provider: 'flexport', apiVersion: v === '' ? ' ' : v });
    expect(err.message).toContain('--api-version');
  });
  it('--org-id means nothing to Flexport: warned about and dropped', async () => {
    const warnings: string[] = [];
    const c = await loadConfig({ provider: 'flexport', orgId: '4821' }, {}, dir, (m) => warnings.push(m));
    expect(c.orgId).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/--org-id.*ignored/);
    expect(apiHeaders(c)).not.toHaveProperty('x-organization-id');
  });
  it('a secret in the config file names the Flexport variable', async () => {
    await writeConfig({ provider: 'flexport', apiKey: 'sekret-value' });
    const err = await usageError({});
    expect(err.message).toContain('FLEXPORT_API_KEY');
    expect(err.message).not.toContain('sekret-value');
    await writeConfig({ provider: 'flexport', webhookSecret: 'sekret-value' });
    expect((await usageError({})).message).toContain('FLEXPORT_WEBHOOK_SECRET');
  });
  it('FLEXPORT_API_KEY and FLEXPORT_WEBHOOK_SECRET are redacted from every output', () => {
    expect(secretsFromEnv({ FLEXPORT_API_KEY: 'fx-key-1234', FLEXPORT_WEBHOOK_SECRET: 'fx-secret-1234' }).sort()).toEqual(['fx-key-1234', 'fx-secret-1234']);
  });
});

describe('the MaintainX profile is unchanged', () => {
  it('x-organization-id from --org-id, no Flexport-Version; --api-version is warned about', async () => {
    const warnings: string[] = [];
    const c = await loadConfig({ orgId: '4821', apiVersion: '2' }, { FLEXPORT_API_KEY: 'fx-key-1234' }, dir, (m) => warnings.push(m));
    expect(apiHeaders(c)).toEqual({ 'x-organization-id': '4821' });
    expect(c.apiVersion).toBeUndefined();
    expect(c.apiKey).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/--api-version.*ignored/);
  });
});

describe('severity labels', () => {
  it('Flexport shows P1-P4, MaintainX SEV1-SEV4, NONE stays NONE', () => {
    const fx = providerProfile('flexport').severityLabel;
    const mx = providerProfile('maintainx').severityLabel;
    expect((['SEV1', 'SEV2', 'SEV3', 'SEV4', 'NONE'] as const).map(fx)).toEqual(['P1', 'P2', 'P3', 'P4', 'NONE']);
    expect((['SEV1', 'SEV2', 'SEV3', 'SEV4', 'NONE'] as const).map(mx)).toEqual(['SEV1', 'SEV2', 'SEV3', 'SEV4', 'NONE']);
  });
  // The labels parse back with the one severity parser (incident start --sev P2).
  it.each([['P2', 'SEV2'], ['p1', 'SEV1'], ['sev4', 'SEV4'], ['none', 'NONE'], ['P5', undefined], ['SEV0', undefined]])('parseSeverity(%j) → %j', (s, want) => {
    expect(parseSeverity(s)).toBe(want);
  });
});
