// Configuration, resolved once per command. Precedence (PRODUCT.md):
// flags > environment > config file > defaults. The API key and other
// secrets come from the environment only: never from flags, and a config file
// that carries one is refused, because config files get committed.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError, errorCode } from './errors.js';
import { parseSince } from '../logs/since.js';
import { passwordOfUrl } from './redact.js';
import { DEFAULT_THRESHOLDS, KNOWN_CODES, parseSeverity, type SeverityPolicy, type Thresholds } from './severity.js';
import type { Severity } from './types.js';
import { DEFAULT_PROVIDER, parseProviderId, providerProfile, type ProviderId, type ProviderProfile } from '../providers/registry.js';

// The default provider's; other providers' defaults are in their profiles.
export const DEFAULT_BASE_URL = providerProfile(DEFAULT_PROVIDER).defaults.baseUrl;
export const DEFAULT_STATUS_URL = providerProfile(DEFAULT_PROVIDER).defaults.statusUrl;
export const DEFAULT_CONFIG_FILE = 'mx-runbook.config.json';
export const DEFAULT_TIMEOUT_MS = 5000;

export interface LogConfig {
  files: string[];
  format: 'auto' | 'ndjson' | 'combined' | 'common';
  statusField?: string;
  endpointField?: string;
  /** As given (15m, an ISO time); checked here, resolved against the clock when read. */
  since?: string;
  /** Worker threads for big files (env MX_RUNBOOK_LOG_THREADS; 1 = none) and the size from which they are used. */
  threads?: number;
  parallelMinBytes?: number;
}

const LOG_FORMATS = ['auto', 'ndjson', 'combined', 'common'] as const;

export interface QueueConfig {
  queueKey: string;
  failedKey: string;
  bull?: string;
  bullPrefix: string;
}

export interface SyncConfig {
  local?: string;
  maxPages?: number;
  /** Requests the listing may send; 1,000 pages of 200 = 200,000 work orders. */
  budget: number;
}


export interface Config {
  /** Whose API this is; the profile says what differs (src/providers/). */
  provider: ProviderId;
  /** Flexport-Version (Flexport only; default 2). */
  apiVersion?: string;
  baseUrl: string;
  apiKey?: string;
  orgId?: string;
  statusUrl: string;
  redisUrl?: string;
  webhookUrl?: string;
  webhookSecret?: string;
  timeoutMs: number;
  failOn: Severity;
  caFile?: string;
  dnsServers?: string[];
  /** RB-002: request logs to read, and how. */
  logs: LogConfig;
  /** RB-003: where the webhook queue lives in Redis. */
  queue: QueueConfig;
  /** RB-004: the local copy to compare, and how far to list. */
  sync: SyncConfig;
  policy: SeverityPolicy;
  /** Where each setting came from, for `--verbose`-style explanations. */
  sources: Record<string, 'flag' | 'env' | 'file' | 'default'>;
}

/** Settings that can be given as flags (already parsed by commander). */
export interface ConfigFlags {
  config?: string;
  provider?: string;
  apiVersion?: string;
  baseUrl?: string;
  orgId?: string;
  statusUrl?: string;
  redisUrl?: string;
  webhookUrl?: string;
  timeout?: string | number;
  failOn?: string;
  caFile?: string;
  dnsServer?: string[];
  log?: string[];
  logFormat?: string;
  statusField?: string;
  endpointField?: string;
  since?: string;
  queueKey?: string;
  failedKey?: string;
  bull?: string;
  bullPrefix?: string;
  local?: string;
  maxPages?: string;
  budget?: string;
}

const SECRET_FILE_KEYS = ['apiKey', 'api_key', 'token', 'webhookSecret', 'secret', 'password'];
const FILE_KEYS = new Set([
  'provider', 'apiVersion', 'baseUrl', 'orgId', 'statusUrl', 'redisUrl', 'webhookUrl', 'timeoutMs', 'failOn', 'caFile', 'dnsServers',
  'logs', 'logFormat', 'statusField', 'endpointField', 'queueKey', 'failedKey', 'bullQueue', 'bullPrefix', 'local', 'maxPages', 'requestBudget',
  'thresholds', 'severities', '$schema',
]);

type Env = Record<string, string | undefined>;
type FileConfig = Record<string, unknown>;

export async function loadConfig(flags: ConfigFlags, env: Env, cwd: string, warn: (m: string) => void = () => {}): Promise<Config> {
  const file = await readConfigFile(flags.config, cwd);
  const sources: Config['sources'] = {};
  const pick = <T>(name: string, flag: T | undefined, envVal: T | undefined, fileVal: T | undefined, dflt: T): T => {
    if (flag !== undefined) return (sources[name] = 'flag'), flag;
    if (envVal !== undefined && envVal !== '') return (sources[name] = 'env'), envVal;
    if (fileVal !== undefined) return (sources[name] = 'file'), fileVal;
    sources[name] = 'default';
    return dflt;
  };
  for (const k of Object.keys(file.values)) {
    if (!FILE_KEYS.has(k)) warn(`${file.path}: unknown setting "${k}" ignored`);
  }
  const f = file.values;

  const profile = providerProfile(parseProviderId(pick('provider', flags.provider, env['MX_RUNBOOK_PROVIDER'], str(f, 'provider', file.path), DEFAULT_PROVIDER)));
  refuseSecrets(file, profile);

  const baseUrl = checkUrl('--base-url', pick('baseUrl', flags.baseUrl, env[profile.env.baseUrl], str(f, 'baseUrl', file.path), profile.defaults.baseUrl));
  const statusUrl = checkUrl('--status-url', pick('statusUrl', flags.statusUrl, env[profile.env.statusUrl], str(f, 'statusUrl', file.path), profile.defaults.statusUrl));
  const redisUrl = pick<string | undefined>('redisUrl', flags.redisUrl, env['REDIS_URL'], str(f, 'redisUrl', file.path), undefined);
  if (redisUrl !== undefined) checkUrl('--redis-url', redisUrl, ['redis:', 'rediss:']);
  const webhookUrl = pick<string | undefined>('webhookUrl', flags.webhookUrl, env['WEBHOOK_URL'], str(f, 'webhookUrl', file.path), undefined);
  if (webhookUrl !== undefined) checkUrl('--webhook-url', webhookUrl);
  let orgIdRaw = pick<string | undefined>('orgId', flags.orgId, profile.env.orgId ? env[profile.env.orgId] : undefined, f['orgId'] === undefined ? undefined : String(f['orgId']), undefined);
  if (orgIdRaw !== undefined && !profile.usesOrgId) {
    warn(`--org-id is a MaintainX setting; ${profile.name} has no organization header: ignored`);
    orgIdRaw = undefined;
  }
  if (orgIdRaw !== undefined && !/^\d+$/.test(orgIdRaw)) throw new UsageError(`--org-id: expected a numeric organization id, got "${orgIdRaw}"`);
  const apiVersion = resolveApiVersion(profile, flags.apiVersion, env, str(f, 'apiVersion', file.path), warn);

  const timeoutRaw = pick<string | number>('timeoutMs', flags.timeout, undefined, num(f, 'timeoutMs', file.path), DEFAULT_TIMEOUT_MS);
  const timeoutMs = Number(timeoutRaw);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
    throw new UsageError(`--timeout: expected milliseconds between 1 and 600000, got "${timeoutRaw}"`);
  }
  const failOnRaw = pick('failOn', flags.failOn, undefined, str(f, 'failOn', file.path), 'SEV3');
  const failOn = parseSeverity(failOnRaw);
  if (!failOn) throw new UsageError(`--fail-on: expected SEV1, SEV2, SEV3, SEV4 or none, got "${failOnRaw}"`);

  const dnsServers = flags.dnsServer?.length ? flags.dnsServer : strList(f, 'dnsServers', file.path);
  const logs = logConfig(flags, f, file.path, env);
  return {
    provider: profile.id,
    apiVersion,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: env[profile.env.apiKey] || undefined,
    orgId: orgIdRaw,
    statusUrl: statusUrl.replace(/\/+$/, ''),
    redisUrl,
    webhookUrl,
    webhookSecret: env[profile.env.webhookSecret] || undefined,
    timeoutMs,
    failOn,
    caFile: flags.caFile ?? str(f, 'caFile', file.path),
    dnsServers,
    logs,
    queue: {
      queueKey: flags.queueKey ?? str(f, 'queueKey', file.path) ?? profile.webhooks.queueKey,
      failedKey: flags.failedKey ?? str(f, 'failedKey', file.path) ?? profile.webhooks.failedKey,
      bull: flags.bull ?? str(f, 'bullQueue', file.path),
      bullPrefix: flags.bullPrefix ?? str(f, 'bullPrefix', file.path) ?? 'bull',
    },
    sync: {
      local: flags.local ?? str(f, 'local', file.path),
      maxPages: positiveInt('--max-pages', flags.maxPages ?? num(f, 'maxPages', file.path)),
      budget: positiveInt('--budget', flags.budget ?? num(f, 'requestBudget', file.path)) ?? 2000,
    },
    policy: { thresholds: thresholds(f['thresholds'], file.path), overrides: overrides(f['severities'], file.path, warn) },
    sources,
  };
}

async function readConfigFile(explicit: string | undefined, cwd: string): Promise<{ path: string; values: FileConfig }> {
  const path = resolve(cwd, explicit ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    // The default file is optional; a file the user named is not.
    if (!explicit && errorCode(err) === 'ENOENT') return { path, values: {} };
    throw new UsageError(`cannot read config file ${path}: ${errorCode(err) ?? 'unreadable'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new UsageError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`config file ${path} must hold a JSON object`);
  }
  return { path, values: parsed as FileConfig };
}

function refuseSecrets(file: { path: string; values: FileConfig }, profile: ProviderProfile): void {
  for (const k of SECRET_FILE_KEYS) {
    if (k in file.values) {
      const envVar = /webhook|^secret$/i.test(k) ? profile.env.webhookSecret : k === 'password' ? 'REDIS_URL (redis://:password@host)' : profile.env.apiKey;
      throw new UsageError(`config file ${file.path}: "${k}" is not read from files (they get committed); set it in the environment: ${envVar}`);
    }
  }
}

/** Flexport-Version: flag > env > file > the profile's default; other providers have none. */
function resolveApiVersion(profile: ProviderProfile, flag: string | undefined, env: Env, fileVal: string | undefined, warn: (m: string) => void): string | undefined {
  if (!profile.defaults.apiVersion) {
    if (flag !== undefined) warn(`--api-version is not used by ${profile.name}: ignored`);
    return undefined;
  }
  const v = (flag ?? (profile.env.apiVersion ? env[profile.env.apiVersion] || undefined : undefined) ?? fileVal ?? profile.defaults.apiVersion).trim();
  if (profile.validApiVersion && !profile.validApiVersion(v)) throw new UsageError(`--api-version: expected ${profile.apiVersionHelp ?? 'a version'}, got "${v}"`);
  return v;
}

/** The headers every API request of this config carries besides Authorization. */
export function apiHeaders(c: Pick<Config, 'provider' | 'orgId' | 'apiVersion'>): Record<string, string> {
  return providerProfile(c.provider).headers({ orgId: c.orgId, apiVersion: c.apiVersion });
}

export function profileOf(c: Pick<Config, 'provider'>): ProviderProfile {
  return providerProfile(c.provider);
}

function checkUrl(flag: string, value: string, protocols = ['http:', 'https:']): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${flag}: not a valid URL: "${value}"`);
  }
  if (!protocols.includes(u.protocol)) {
    throw new UsageError(`${flag}: expected a ${protocols.join(' or ')} URL, got "${u.protocol}"`);
  }
  return value;
}

function str(f: FileConfig, key: string, path: string): string | undefined {
  const v = f[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`config file ${path}: "${key}" must be a string`);
  return v;
}

function num(f: FileConfig, key: string, path: string): number | undefined {
  const v = f[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new UsageError(`config file ${path}: "${key}" must be a number`);
  return v;
}

function strList(f: FileConfig, key: string, path: string): string[] | undefined {
  const v = f[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new UsageError(`config file ${path}: "${key}" must be a list of strings`);
  return v as string[];
}

function thresholds(v: unknown, path: string): Thresholds {
  if (v === undefined) return DEFAULT_THRESHOLDS;
  if (typeof v !== 'object' || v === null) throw new UsageError(`config file ${path}: "thresholds" must be an object`);
  const out: Thresholds = { ...DEFAULT_THRESHOLDS };
  for (const [k, val] of Object.entries(v)) {
    if (!(k in DEFAULT_THRESHOLDS)) throw new UsageError(`config file ${path}: unknown threshold "${k}" (known: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')})`);
    if (typeof val !== 'number' || !Number.isFinite(val) || val < 0) throw new UsageError(`config file ${path}: threshold "${k}" must be a non-negative number`);
    out[k as keyof Thresholds] = val;
  }
  return out;
}

function overrides(v: unknown, path: string, warn: (m: string) => void): Record<string, Severity> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null) throw new UsageError(`config file ${path}: "severities" must be an object of code → SEV`);
  const out: Record<string, Severity> = {};
  for (const [code, val] of Object.entries(v)) {
    const s = typeof val === 'string' ? parseSeverity(val) : undefined;
    if (!s) throw new UsageError(`config file ${path}: severities.${code} must be SEV1-SEV4 or NONE`);
    // A misspelt code would silently change nothing.
    if (!KNOWN_CODES.has(code)) warn(`${path}: severities.${code}: no such finding code`);
    out[code] = s;
  }
  return out;
}

/** Secrets that reached the config by a flag or file (not the environment). */
export function configSecrets(c: Config): string[] {
  return [c.apiKey, c.webhookSecret, c.redisUrl ? passwordOfUrl(c.redisUrl) : undefined].filter((x): x is string => !!x);
}

function logConfig(flags: ConfigFlags, f: FileConfig, path: string, env: Env): LogConfig {
  const format = flags.logFormat ?? str(f, 'logFormat', path) ?? 'auto';
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--log-format: expected one of ${LOG_FORMATS.join(', ')}, got "${format}"`);
  }
  const dotted = (flag: string, v: string | undefined) => {
    if (v !== undefined && !/^[^.\s]+(\.[^.\s]+)*$/.test(v)) throw new UsageError(`${flag}: expected a dotted field path like res.statusCode, got "${v}"`);
    return v;
  };
  if (flags.since !== undefined) parseSince(flags.since, Date.now());
  return {
    files: flags.log?.length ? flags.log : (strList(f, 'logs', path) ?? []),
    format: format as LogConfig['format'],
    statusField: dotted('--status-field', flags.statusField ?? str(f, 'statusField', path)),
    endpointField: dotted('--endpoint-field', flags.endpointField ?? str(f, 'endpointField', path)),
    since: flags.since,
    threads: envInt(env, 'MX_RUNBOOK_LOG_THREADS'),
    parallelMinBytes: envInt(env, 'MX_RUNBOOK_PARALLEL_MIN_BYTES'),
  };
}

function envInt(env: Env, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name}: expected a non-negative integer, got "${v}"`);
  return n;
}

function positiveInt(flag: string, v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: expected a positive integer, got "${v}"`);
  return n;
}
