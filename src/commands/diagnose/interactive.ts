// The 3 a.m. flow: what are you seeing? → which runbooks; then any missing
// input, with a sensible default. Only reached when a person can answer.
import type { Config } from '../../core/config.js';
import { RUNBOOK_IDS } from '../../core/runbook-ids.js';
import type { RunbookId } from '../../core/types.js';
import type { Prompter } from '../../cli/prompter.js';

export const SYMPTOMS: Array<{ name: string; value: RunbookId[] }> = [
  { name: 'API calls fail or time out (network errors, health check red)', value: ['RB-001'] },
  { name: 'Error rate alert: many 4xx/5xx responses in our logs', value: ['RB-002'] },
  { name: 'Webhooks not processed, events missing', value: ['RB-003'] },
  { name: "Local data doesn't match MaintainX", value: ['RB-004'] },
  { name: 'Slow responses, latency alert', value: ['RB-005'] },
  { name: 'Not sure — triage everything', value: [...RUNBOOK_IDS] },
];

export async function pickRunbooks(prompter: Prompter): Promise<RunbookId[]> {
  return prompter.select('What are you seeing?', SYMPTOMS.map((s) => ({ name: s.name, value: s.value })), SYMPTOMS[SYMPTOMS.length - 1]!.value);
}

/** Asks for what the selected runbooks need and the config lacks. */
export async function askMissing(config: Config, ids: RunbookId[], prompter: Prompter): Promise<Config> {
  let c = config;
  if (ids.includes('RB-001') && c.sources['baseUrl'] === 'default') {
    const baseUrl = await prompter.input('MaintainX API base URL', c.baseUrl, (v) => (/^https?:\/\/\S+$/.test(v) ? true : 'an http(s) URL, e.g. https://api.getmaintainx.com/v1'));
    c = { ...c, baseUrl: baseUrl.replace(/\/+$/, '') };
  }
  if (!c.apiKey) {
    const key = await prompter.secret('MaintainX API key (not echoed; MAINTAINX_API_KEY skips this question)');
    if (key.trim()) c = { ...c, apiKey: key.trim() };
  }
  return c;
}
