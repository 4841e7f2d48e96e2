// `mx-runbook diagnose`: select runbooks, resolve config (and the sandbox),
// run them with progress, classify, render, write. Returns the exit code.
import { EXIT } from '../../cli/exit-codes.js';
import type { Deps } from '../../cli/deps.js';
import { canPrompt } from '../../cli/prompter.js';
import { configSecrets, loadConfig, profileOf, type Config } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/files.js';
import { parseRunbookId, RUNBOOK_IDS } from '../../core/runbook-ids.js';
import { atOrAbove, worst } from '../../core/severity.js';
import { labelDiagnosis } from '../../core/severity-label.js';
import type { Diagnosis, RunbookId, RunbookResult } from '../../core/types.js';
import { renderJson } from '../../render/json.js';
import { renderJunit } from '../../render/junit.js';
import { renderTerminal } from '../../render/terminal.js';
import { runbookById } from '../../runbooks/registry.js';
import { runRunbooks } from '../../runbooks/runner.js';
import { silentProgress, type Progress } from '../../runbooks/types.js';
import { askMissing, pickRunbooks } from './interactive.js';
import type { DiagnoseOptions } from './options.js';
import { spinnerProgress } from './progress.js';

export async function runDiagnose(opts: DiagnoseOptions, deps: Deps): Promise<number> {
  const { io } = deps;
  const named = opts.runbooks.map(parseRunbookId);
  let config = await loadConfig(opts, deps.env, deps.cwd, (m) => io.err(`warning: ${m}\n`));
  const interactive = !opts.ci && !opts.json && canPrompt(io);

  const sandbox = opts.sandbox ? await startSandbox(opts, config, io.err) : undefined;
  try {
    if (sandbox) {
      config = sandbox.config;
      io.redactor.add(sandbox.webhookSecret);
    }
    let ids: RunbookId[] = named.length ? [...new Set(named)] : [...RUNBOOK_IDS];
    if (!named.length && interactive) ids = await pickRunbooks(deps.prompter, profileOf(config).name);
    if (interactive && !sandbox) config = await askMissing(config, ids, deps.prompter);
    for (const secret of configSecrets(config)) io.redactor.add(secret);

    for (const id of named) {
      const rb = runbookById(id);
      const inputs = rb.inputs(config);
      if (rb.implemented && !inputs.ok) throw new UsageError(`${id}: ${inputs.reason}${inputs.flag ? ` (pass ${inputs.flag})` : ''}`);
    }

    const color = opts.color !== false && io.color;
    const spinner = !opts.ci && io.stderrIsTTY && io.stderrStream ? await spinnerProgress(io.stderrStream, opts.color !== false && io.colorErr) : undefined;
    const progress: Progress = spinner ?? silentProgress;
    const startedAt = deps.now();
    let results: RunbookResult[];
    try {
      results = await runRunbooks({ ids, named: named.length > 0, config, signal: deps.signal, progress, stdin: io.stdin, now: deps.now });
    } finally {
      spinner?.stop();
    }
    const finishedAt = deps.now();
    const diagnosis = buildDiagnosis(results, config, deps.version, startedAt, finishedAt, sandbox?.scenario, deps.signal.aborted);

    // An open incident (or --incident) records the result in its timeline.
    const { attachDiagnosis } = await import('../../incident/attach.js');
    const { incidentsRoot } = await import('../../incident/store.js');
    const attached = await attachDiagnosis(incidentsRoot(undefined, deps.env, deps.cwd), opts.incident, diagnosis, new Date(finishedAt));
    if (attached && !opts.json) io.err(`diagnosis attached to incident ${attached}\n`);
    // Files first and atomically: an interrupted run leaves whole files.
    if (opts.out) await writeFileAtomic(opts.out, io.redactor.redact(renderJson(diagnosis)));
    if (opts.junit) await writeFileAtomic(opts.junit, io.redactor.redact(renderJunit(diagnosis)));
    io.out(opts.json ? renderJson(diagnosis) : renderTerminal(diagnosis, { color, columns: io.columns }));
    return exitCode(diagnosis);
  } finally {
    await sandbox?.close();
  }
}

export function exitCode(d: Diagnosis): number {
  if (d.interrupted) return EXIT.interrupted;
  if (d.runbooks.some((rb) => rb.findings.some((f) => atOrAbove(f.severity, d.failOn)))) return EXIT.findings;
  if (d.runbooks.some((rb) => rb.status === 'error')) return EXIT.tool;
  return EXIT.ok;
}

export function buildDiagnosis(results: RunbookResult[], config: Config, version: string, startedAt: number, finishedAt: number, sandbox: string | undefined, interrupted: boolean): Diagnosis {
  const profile = profileOf(config);
  const label = profile.severityLabel;
  const d: Diagnosis = {
    schemaVersion: 1,
    tool: { name: 'mx-runbook', version },
    provider: profile.id,
    target: { baseUrl: config.baseUrl, statusUrl: config.statusUrl, ...(sandbox ? { sandbox } : {}) },
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: finishedAt - startedAt,
    severity: worst(results.map((r) => r.severity)),
    failOn: config.failOn,
    requests: {
      api: results.reduce((n, r) => n + r.requests.api, 0),
      other: results.reduce((n, r) => n + r.requests.other, 0),
    },
    runbooks: results,
  };
  if (interrupted) d.interrupted = true;
  // The JSON keeps SEV1…; the label is what the provider's people call it.
  return labelDiagnosis(d, label);
}

async function startSandbox(opts: DiagnoseOptions, config: Config, warn: (m: string) => void) {
  const { startSandbox, isScenario, SCENARIOS } = await import('../../sandbox/index.js');
  const scenario = opts.sandbox === true || opts.sandbox === undefined ? 'healthy' : opts.sandbox;
  if (!isScenario(scenario)) throw new UsageError(`--sandbox: unknown scenario "${scenario}" (one of: ${SCENARIOS.join(', ')})`);
  if (config.sources['baseUrl'] === 'flag' || config.sources['statusUrl'] === 'flag') warn('warning: --sandbox replaces --base-url and --status-url\n');
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed: expected an integer, got "${opts.seed}"`);
  const provider = config.provider;
  const sb = await startSandbox({ scenario, seed, provider });
  // The request log the scenario implies, for RB-002, unless --log was given.
  const { writeScenarioLog } = await import('../../sandbox/request-log.js');
  const log = await writeScenarioLog(scenario, seed, Date.now(), provider);
  const logs = config.logs.files.length ? config.logs : { ...config.logs, files: [log.file] };
  // RB-004: sync-drift writes the local export with its known drift beside the log.
  let sync = config.sync;
  if (scenario === 'sync-drift' && !sync.local) {
    const { writeLocalExport } = await import('../../sandbox/local-export.js');
    const file = log.file.replace(/requests-[^/]*$/, 'local-export.ndjson');
    await writeLocalExport(file, seed ?? 1, 300, provider);
    sync = { ...sync, local: file };
  }
  // RB-003: a loopback receiver that verifies the provider's real signatures
  // with a secret made for this run; webhook-backlog also fills the named Redis.
  const { randomBytes } = await import('node:crypto');
  const { startWebhookReceiver } = await import('../../sandbox/webhook-receiver.js');
  const webhookSecret = `mx-sandbox-wh-${randomBytes(12).toString('hex')}`;
  const receiver = await startWebhookReceiver({ mode: 'healthy', secret: webhookSecret, provider });
  let queue = config.queue;
  try {
    if (scenario === 'webhook-backlog') queue = await fillBacklog(config, seed);
  } catch (err) {
    await Promise.all([sb.close(), log.remove(), receiver.close()]);
    throw err;
  }
  return {
    scenario,
    webhookSecret,
    config: { ...config, baseUrl: sb.baseUrl, statusUrl: sb.statusUrl, apiKey: sb.apiKey, orgId: undefined, dnsServers: undefined, caFile: undefined, logs, webhookUrl: receiver.url, webhookSecret, queue, sync },
    close: async () => {
      await Promise.all([sb.close(), log.remove(), receiver.close()]);
    },
  };
}

/** webhook-backlog writes into a Redis the user names: loopback only, sandbox keys only. */
async function fillBacklog(config: Config, seed: number | undefined): Promise<Config['queue']> {
  const url = config.redisUrl;
  if (!url) throw new UsageError('--sandbox webhook-backlog fills a Redis you name with a backlog: pass --redis-url redis://127.0.0.1:6379/15 (a scratch database)');
  const host = new URL(url).hostname;
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host)) throw new UsageError(`--sandbox webhook-backlog only writes to a Redis on loopback, not ${host}`);
  const { connectRedis, closeRedis } = await import('../../redis/connect.js');
  const { fillWebhookBacklog } = await import('../../sandbox/webhook-backlog.js');
  const client = await connectRedis(url, { timeoutMs: config.timeoutMs });
  try {
    const filled = await fillWebhookBacklog(client, { seed, now: Date.now(), provider: config.provider });
    return { ...config.queue, queueKey: filled.queueKey, failedKey: filled.failedKey, bull: undefined };
  } finally {
    await closeRedis(client);
  }
}
