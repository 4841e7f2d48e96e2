// `mx-runbook diagnose`: select runbooks, resolve config (and the sandbox),
// run them with progress, classify, render, write. Returns the exit code.
import { EXIT } from '../../cli/exit-codes.js';
import type { Deps } from '../../cli/deps.js';
import { canPrompt } from '../../cli/prompter.js';
import { configSecrets, loadConfig, type Config } from '../../core/config.js';
import { UsageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/files.js';
import { parseRunbookId, RUNBOOK_IDS } from '../../core/runbook-ids.js';
import { atOrAbove, worst } from '../../core/severity.js';
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
    if (sandbox) config = sandbox.config;
    let ids: RunbookId[] = named.length ? [...new Set(named)] : [...RUNBOOK_IDS];
    if (!named.length && interactive) ids = await pickRunbooks(deps.prompter);
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
  const d: Diagnosis = {
    schemaVersion: 1,
    tool: { name: 'mx-runbook', version },
    provider: 'maintainx',
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
  return d;
}

async function startSandbox(opts: DiagnoseOptions, config: Config, warn: (m: string) => void) {
  const { startSandbox, isScenario, SCENARIOS } = await import('../../sandbox/index.js');
  const scenario = opts.sandbox === true || opts.sandbox === undefined ? 'healthy' : opts.sandbox;
  if (!isScenario(scenario)) throw new UsageError(`--sandbox: unknown scenario "${scenario}" (one of: ${SCENARIOS.join(', ')})`);
  if (config.sources['baseUrl'] === 'flag' || config.sources['statusUrl'] === 'flag') warn('warning: --sandbox replaces --base-url and --status-url\n');
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed: expected an integer, got "${opts.seed}"`);
  const sb = await startSandbox({ scenario, seed });
  // The request log the scenario implies, for RB-002, unless --log was given.
  const { writeScenarioLog } = await import('../../sandbox/request-log.js');
  const log = await writeScenarioLog(scenario, seed, Date.now());
  const logs = config.logs.files.length ? config.logs : { ...config.logs, files: [log.file] };
  return {
    scenario,
    config: { ...config, baseUrl: sb.baseUrl, statusUrl: sb.statusUrl, apiKey: sb.apiKey, orgId: undefined, dnsServers: undefined, caFile: undefined, logs },
    close: async () => {
      await sb.close();
      await log.remove();
    },
  };
}
