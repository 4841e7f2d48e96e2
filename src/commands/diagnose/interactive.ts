// The 3 a.m. flow: what are you seeing? → which runbooks; then any missing
// input, with a sensible default. Only reached when a person can answer.
import { profileOf, type Config } from '../../core/config.js';
import { RUNBOOK_IDS } from '../../core/runbook-ids.js';
import type { RunbookId } from '../../core/types.js';
import type { Prompter } from '../../cli/prompter.js';

export function symptoms(vendor = 'MaintainX'): Array<{ name: string; value: RunbookId[] }> {
  return [
    { name: 'API calls fail or time out (network errors, health check red)', value: ['RB-001'] },
    { name: 'Error rate alert: many 4xx/5xx responses in our logs', value: ['RB-002'] },
    { name: 'Webhooks not processed, events missing', value: ['RB-003'] },
    { name: `Local data doesn't match ${vendor}`, value: ['RB-004'] },
    { name: 'Slow responses, latency alert', value: ['RB-005'] },
    { name: 'Not sure — triage everything', value: [...RUNBOOK_IDS] },
  ];
}

export const SYMPTOMS = symptoms();

export async function pickRunbooks(prompter: Prompter, vendor?: string): Promise<RunbookId[]> {
  const list = symptoms(vendor);
  return prompter.select('What are you seeing?', list.map((s) => ({ name: s.name, value: s.value })), list[list.length - 1]!.value);
}

/** Asks for what the selected runbooks need and the config lacks. */
export async function askMissing(config: Config, ids: RunbookId[], prompter: Prompter): Promise<Config> {
  let c = config;
  const profile = profileOf(c);
  if (ids.includes('RB-001') && c.sources['baseUrl'] === 'default') {
    const baseUrl = await prompter.input(`${profile.name} API base URL`, c.baseUrl, (v) => (/^https?:\/\/\S+$/.test(v) ? true : `an http(s) URL, e.g. ${profile.defaults.baseUrl}`));
    c = { ...c, baseUrl: baseUrl.replace(/\/+$/, '') };
  }
  if (!c.apiKey) {
    const key = await prompter.secret(`${profile.name} API key (not echoed; ${profile.env.apiKey} skips this question)`);
    if (key.trim()) c = { ...c, apiKey: key.trim() };
  }
  return c;
}
