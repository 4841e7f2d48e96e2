// Commander wiring. Definitions are cheap; each action imports its command's
// module only when run, so `--help` and `--version` load none of them.
import { Command, Option } from 'commander';
import type { Deps } from './deps.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

function configOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'config file (default: ./mx-runbook.config.json)')
    .option('--provider <name>', 'maintainx (default) or flexport (env MX_RUNBOOK_PROVIDER; config "provider")')
    .option('--base-url <url>', 'API base URL (env MAINTAINX_BASE_URL / FLEXPORT_BASE_URL)')
    .option('--org-id <id>', 'MaintainX organization id, sent as x-organization-id (env MAINTAINX_ORG_ID)')
    .option('--api-version <v>', 'Flexport-Version header: 2 (default) or a date YYYY-MM-DD (env FLEXPORT_API_VERSION)')
    .option('--status-url <url>', 'vendor status page (env MAINTAINX_STATUS_URL / FLEXPORT_STATUS_URL)')
    .option('--timeout <ms>', 'per-operation timeout in milliseconds (default 5000)')
    .option('--no-color', 'no colour (also NO_COLOR=1)');
}

export function buildProgram(deps: Deps, setResult: (p: Promise<number>) => void): Command {
  const { io } = deps;
  const program = new Command('mx-runbook')
    .description('Incident response for MaintainX (and Flexport) integrations: runbooks paired with diagnostics, SEV1-SEV4 (Flexport: P1-P4), what to do next.')
    .version(deps.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      // Parse errors read like every other usage error: "mx-runbook: …".
      outputError: (s, write) => write(s.replace(/^error: /, 'mx-runbook: ')),
      getOutHelpWidth: () => io.columns,
      getErrHelpWidth: () => io.columns,
    })
    .exitOverride();

  configOptions(
    program
      .command('diagnose')
      .description('run runbook diagnostics (all when none is named and not on a TTY; a symptom picker on a TTY)')
      .argument('[runbooks...]', 'runbook ids: RB-001 … RB-005 (rb-3 and rb003 work too)'),
  )
    .option('--json', 'print the diagnosis as JSON on stdout (nothing else goes to stdout)')
    .option('--out <file>', 'also write the diagnosis JSON to FILE')
    .option('--junit <file>', 'also write JUnit XML to FILE (a testcase per check)')
    .option('--ci', 'never prompt, no spinners (for CI and cron)')
    .option('--fail-on <sev>', 'exit 1 when a finding is at or above SEV (SEV1-SEV4, none; default SEV3)')
    .addOption(new Option('--sandbox [scenario]', 'start the built-in simulated API and diagnose it (default scenario: healthy)'))
    .option('--seed <n>', 'sandbox data seed')
    .option('--ca-file <file>', 'extra CA certificate(s) to trust (PEM), e.g. a corporate proxy CA')
    .option('--dns-server <addr>', 'ask this DNS server (ip[:port]) instead of the system resolver; repeatable', collect)
    .option('--redis-url <url>', 'Redis for the webhook queue and cache checks (env REDIS_URL)')
    .option('--webhook-url <url>', 'your webhook receiver (env WEBHOOK_URL)')
    .option('--log <file>', 'RB-002: a request log to read (NDJSON or access log; .gz ok; - for stdin); repeatable', collect)
    .option('--log-format <fmt>', 'RB-002: auto, ndjson, combined or common (default auto, per file)')
    .option('--status-field <path>', 'RB-002: dotted path of the status in NDJSON lines (e.g. res.statusCode)')
    .option('--endpoint-field <path>', 'RB-002: dotted path of the endpoint in NDJSON lines (e.g. req.url)')
    .option('--since <when>', 'RB-002 / RB-004: only lines / records at or after this: 15m, 2h, 1d or an ISO time')
    .option('--local <source>', 'RB-004: the local copy to compare (.json, .ndjson, http(s) URL, redis://…?key=HASH)')
    .option('--max-pages <n>', 'RB-004: stop the remote listing after N pages (200 work orders / 100 shipments each)')
    .option('--incident <id>', 'attach the result to this incident (default: the open one, if any; dir from MX_RUNBOOK_INCIDENTS_DIR)')
    .action((runbooks: string[], opts: Record<string, unknown>) => {
      setResult(import('../commands/diagnose/run.js').then((m) => m.runDiagnose({ ...opts, runbooks }, deps)));
    });

  program
    .command('runbooks')
    .description('list the runbooks, or show one: symptoms, diagnostic steps, mitigation, resolution')
    .argument('[runbook]', 'runbook id, e.g. RB-003')
    .option('--provider <name>', "whose runbook text: maintainx (default) or flexport (env MX_RUNBOOK_PROVIDER)")
    .option('--json', 'as JSON')
    .option('--no-color', 'no colour')
    .action((id: string | undefined, opts: Record<string, unknown>) => {
      setResult(import('../commands/runbooks/run.js').then((m) => m.runRunbooksCommand({ ...opts, id }, deps)));
    });

  configOptions(program.command('status').description('the vendor status page (Statuspage v2 or Better Stack): components, open incidents'))
    .option('--json', 'as JSON')
    .option('--fail-on <sev>', 'exit 1 when the page reports trouble at or above SEV (default SEV3)')
    .action((opts: Record<string, unknown>) => {
      setResult(import('../commands/status/run.js').then((m) => m.runStatus(opts, deps)));
    });

  const webhook = program.command('webhook').description('webhooks: receiver conformance, queue inspection, safe replay');
  configOptions(webhook.command('test').description('send signed test events to a receiver and check how it answers'))
    .option('--url <url>', 'the receiver (env WEBHOOK_URL)')
    .option('--scheme <scheme>', 'signature scheme: maintainx, legacy-timestamped, legacy-body, standard, github (default: maintainx; Flexport: github, X-Hub-Signature-256)')
    .option('--json', 'as JSON')
    .action((opts: Record<string, unknown>) => {
      setResult(import('../commands/webhook/test/run.js').then((m) => m.runWebhookTest(opts, deps)));
    });
  const queueOptions = (cmd: Command) =>
    configOptions(cmd)
      .option('--redis-url <url>', 'Redis holding the webhook queue (env REDIS_URL)')
      .option('--queue-key <key>', 'list of pending webhooks (default maintainx:webhook:queue; Flexport: flexport:webhook:queue)')
      .option('--failed-key <key>', 'list of failed webhooks (default maintainx:webhook:failed; Flexport: flexport:webhook:failed)')
      .option('--bull <name>', 'also a Bull / BullMQ queue of this name')
      .option('--bull-prefix <prefix>', 'Bull / BullMQ key prefix (default bull)')
      .option('--json', 'as JSON');
  queueOptions(webhook.command('inspect').description('queue depth, failed entries, Bull/BullMQ counts (read-only)')).action((opts: Record<string, unknown>) => {
    setResult(import('../commands/webhook/inspect/run.js').then((m) => m.runWebhookInspect(opts, deps)));
  });
  queueOptions(webhook.command('replay').description('move failed webhooks back to the queue: a dry run unless --yes'))
    .option('--yes', 'really move them (default: dry run, nothing changes)')
    .option('--limit <n>', 'move at most N entries')
    .action((opts: Record<string, unknown>) => {
      setResult(import('../commands/webhook/replay/run.js').then((m) => m.runWebhookReplay(opts, deps)));
    });

  configOptions(program.command('latency').description('the RB-005 latency sweep on its own: per-endpoint percentiles, cold vs warm, cache and pool stats'))
    .option('--endpoints <list>', 'comma-separated paths (default /workorders,/assets,/locations,/users, each ?limit=10)')
    .option('--samples <n>', 'warm samples per endpoint (default 5)')
    .option('--concurrency <n>', 'requests in flight (default 2)')
    .option('--slow-ms <ms>', 'p95 above this is [SLOW] (default 1000)')
    .option('--reserve <n>', 'stop before X-Rate-Limit-Remaining falls under N (default 20)')
    .option('--budget <n>', 'send at most N requests (default: endpoints × (samples + 1))')
    .option('--redis-url <url>', 'the cache: hit rate from INFO stats over --cache-window (env REDIS_URL)')
    .option('--cache-window <s>', 'seconds to measure the hit rate over (default 5)')
    .option('--cache-prefix <prefix>', 'count the cache keys under this prefix (bounded SCAN)')
    .option('--json', 'as JSON')
    .action((opts: Record<string, unknown>) => {
      setResult(import('../commands/latency/run.js').then((m) => m.runLatency(opts, deps)));
    });

  const sync = program.command('sync').description('compare the vendor (MaintainX work orders, Flexport shipments) with your local copy');
  configOptions(sync.command('diff').description('the whole diff (work orders; Flexport: shipments): missing, extra, stale, lag; --out writes every difference as NDJSON'))
    .option('--local <source>', 'the local copy: a .json / .ndjson file, an http(s) URL, or redis://…?key=HASH')
    .option('--since <when>', 'only records changed since: 15m, 2h, 1d or an ISO time (extra records are then not judged)')
    .option('--max-pages <n>', 'stop the remote listing after N pages (200 work orders / 100 shipments each)')
    .option('--budget <n>', 'send at most N API requests (default 2000)')
    .option('--out <file>', 'write every difference as NDJSON ({kind, id, remote?, local?})')
    .option('--fail-on <sev>', 'exit 1 when a finding is at or above SEV (default SEV3)')
    .option('--json', 'the counts as JSON')
    .action((opts: Record<string, unknown>) => {
      setResult(import('../commands/sync/run.js').then((m) => m.runSyncDiff(opts, deps)));
    });

  const incident = program.command('incident').description('the incident record: an append-only event log, status updates');
  const dirOption = (cmd: Command) => cmd.option('--dir <dir>', 'where incidents live (env MX_RUNBOOK_INCIDENTS_DIR; default ./incidents)');
  const incidentCmd = (name: string, description: string, args = '') => {
    const cmd = dirOption(incident.command(`${name}${args ? ` ${args}` : ''}`).description(description));
    return cmd.option('--incident <id>', 'the incident (default: the active one)');
  };
  dirOption(incident.command('start').description('open an incident: incidents/<date>-<slug>/events.ndjson'))
    .requiredOption('--title <title>', 'what is happening, in a few words')
    .option('--sev <sev>', 'SEV1-SEV4, or P1-P4 (default SEV3 / P3)')
    .option('--provider <name>', 'whose integration: maintainx (default) or flexport; sets the labels (P1-P4) and the status-update heading')
    .action((opts: Record<string, unknown>) => setResult(import('../commands/incident/run.js').then((m) => m.runIncident('start', [], opts, deps))));
  incidentCmd('log', 'add a note to the timeline', '<message...>').action((message: string[], opts: Record<string, unknown>) => setResult(import('../commands/incident/run.js').then((m) => m.runIncident('log', message, opts, deps))));
  incidentCmd('mitigate', 'record a mitigation applied', '<message...>').action((message: string[], opts: Record<string, unknown>) => setResult(import('../commands/incident/run.js').then((m) => m.runIncident('mitigate', message, opts, deps))));
  incidentCmd('resolve', 'close the incident', '[message...]').action((message: string[], opts: Record<string, unknown>) => setResult(import('../commands/incident/run.js').then((m) => m.runIncident('resolve', message, opts, deps))));
  incidentCmd('status', 'phase, elapsed time, last events')
    .option('--json', 'as JSON')
    .action((opts: Record<string, unknown>) => setResult(import('../commands/incident/run.js').then((m) => m.runIncident('status', [], opts, deps))));
  incidentCmd('update', 'render a status update (templates/status-update.md); --post sends it to SLACK_WEBHOOK_URL')
    .option('--status <status>', 'investigating, identified, mitigating or resolved')
    .option('--impact <text>', 'who or what is affected')
    .option('--next <when>', 'when the next update comes (e.g. 30m)')
    .option('--post', 'post it to SLACK_WEBHOOK_URL and log it as an event')
    .action((opts: Record<string, unknown>) => setResult(import('../commands/incident/run.js').then((m) => m.runIncident('update', [], opts, deps))));

  dirOption(program.command('report').description('the post-incident report (markdown) from an incident record and/or a saved diagnosis'))
    .option('--incident <id>', 'the incident (default: the most recent)')
    .option('--from <file>', 'a diagnosis saved with diagnose --out')
    .option('--answers <file>', 'the narrative fields as JSON (else asked on a TTY, else TODO)')
    .option('--template <file>', 'another template (default templates/post-incident.md)')
    .option('--out <file>', 'write it here (default: report.md in the incident directory)')
    .option('--force', 'overwrite an existing report')
    .action((opts: Record<string, unknown>) => setResult(import('../commands/report/run.js').then((m) => m.runReport(opts, deps))));

  program
    .command('sandbox')
    .description('serve a simulated MaintainX (or Flexport) API on loopback, with fault scenarios, until Ctrl-C')
    .option('--provider <name>', 'maintainx (default) or flexport')
    .option('--scenario <name>', 'healthy, outage, auth-failure, rate-limited, error-storm, slow, degraded-status, webhook-backlog, sync-drift', 'healthy')
    .option('--port <port>', 'port (default: a free one)')
    .option('--host <host>', 'loopback address to bind (default 127.0.0.1)')
    .option('--seed <n>', 'data seed (same seed, same data)')
    .option('--workorders <n>', 'number of work orders (Flexport: shipments; default 300)')
    .option('--rate-limit <n>', 'requests per key per 60 s window (default 100, as the real API)')
    .action((opts: Record<string, unknown>) => {
      setResult(import('../commands/sandbox/run.js').then((m) => m.runSandboxCommand(opts, deps)));
    });

  return program;
}
