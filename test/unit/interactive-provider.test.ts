// The 3 a.m. questions speak the provider's language: its name, its key's
// environment variable, its default base URL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Prompter } from '../../src/cli/prompter.js';
import { askMissing, symptoms } from '../../src/commands/diagnose/interactive.js';
import { loadConfig } from '../../src/core/config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mx-runbook-ask-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Records every question and answers from a script. */
function scripted(answers: string[]): { prompter: Prompter; asked: string[] } {
  const asked: string[] = [];
  const next = async (q: string) => {
    asked.push(q);
    return answers.shift() ?? '';
  };
  return {
    asked,
    prompter: {
      select: () => Promise.reject(new Error('unexpected select')),
      input: (q: string, dflt?: string) => next(`${q} [${dflt ?? ''}]`),
      secret: (q: string) => next(q),
      confirm: () => Promise.reject(new Error('unexpected confirm')),
    } as Prompter,
  };
}

describe.each([
  { provider: 'maintainx', name: 'MaintainX', keyEnv: 'MAINTAINX_API_KEY', base: 'https://api.getmaintainx.com/v1' },
  { provider: 'flexport', name: 'Flexport', keyEnv: 'FLEXPORT_API_KEY', base: 'https://api.flexport.com' },
] as const)('askMissing ($provider)', ({ provider, name, keyEnv, base }) => {
  it('asks for the base URL (offering the provider\'s default) and the key (naming its variable)', async () => {
    const config = await loadConfig({ provider }, {}, dir);
    const { prompter, asked } = scripted(['', 'typed-key-1234']);
    const c = await askMissing(config, ['RB-001'], prompter);
    expect(asked).toEqual([`${name} API base URL [${base}]`, expect.stringContaining(`${name} API key`)]);
    expect(asked[1]).toContain(keyEnv);
    expect(c.apiKey).toBe('typed-key-1234');
  });

  it('the symptom list names the vendor', () => {
    expect(symptoms(name).map((s) => s.name)).toContain(`Local data doesn't match ${name}`);
  });
});
