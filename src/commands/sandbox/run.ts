// `mx-runbook sandbox`: serve the simulated API until Ctrl-C. Ctrl-C is how
// a server is meant to stop, so it ends with exit 0, not 130.
import type { Deps } from '../../cli/deps.js';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_PROVIDER, parseProviderId } from '../../providers/registry.js';

export interface SandboxCommandOptions {
  scenario?: string;
  /** maintainx (default) or flexport. */
  provider?: string;
  port?: string;
  host?: string;
  seed?: string;
  workorders?: string;
  rateLimit?: string;
}

export async function runSandboxCommand(opts: SandboxCommandOptions, deps: Deps): Promise<number> {
  const { startSandbox, isScenario, SCENARIOS, describeSandbox } = await import('../../sandbox/index.js');
  const scenario = opts.scenario ?? 'healthy';
  if (!isScenario(scenario)) throw new UsageError(`--scenario: unknown scenario "${scenario}" (one of: ${SCENARIOS.join(', ')})`);
  const provider = parseProviderId(opts.provider ?? DEFAULT_PROVIDER);
  const port = int('--port', opts.port, 0, 65535);
  const seed = int('--seed', opts.seed, 0, 2 ** 31);
  const workorders = int('--workorders', opts.workorders, 0, 5_000_000);
  const rateLimit = int('--rate-limit', opts.rateLimit, 1, 10_000_000);
  const host = opts.host ?? '127.0.0.1';
  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host)) throw new UsageError(`--host: the sandbox only listens on loopback (127.0.0.1, ::1), got "${host}"`);
  let sb;
  try {
    sb = await startSandbox({ scenario, provider, port, seed, workorders, host, rateLimit });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port}: already in use`);
    throw err;
  }
  for (const line of describeSandbox(sb)) deps.io.out(`${line}\n`);
  // The request log this scenario implies, for `diagnose RB-002 --log`.
  const { writeScenarioLog } = await import('../../sandbox/request-log.js');
  const log = await writeScenarioLog(scenario, seed, Date.now(), provider);
  deps.io.out(`request log: ${log.file} (mx-runbook diagnose RB-002 --log ${log.file})\n`);
  deps.io.err('Press Ctrl-C to stop.\n');
  await new Promise<void>((resolve) => {
    if (deps.signal.aborted) return resolve();
    deps.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await sb.close();
  await log.remove();
  deps.io.err(`sandbox stopped after ${sb.stats().requests} API requests\n`);
  return 0;
}

function int(flag: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag}: expected an integer from ${min} to ${max}, got "${v}"`);
  return n;
}
