// The providers, by id. Adding one = its folder and a line here.
import { flexport } from './flexport/profile.js';
import { maintainx } from './maintainx/profile.js';
import { UsageError } from '../core/errors.js';
import { isProviderId, PROVIDER_IDS, type ProviderId, type ProviderProfile } from './types.js';

export const PROVIDERS: Readonly<Record<ProviderId, ProviderProfile>> = { maintainx, flexport };

export const DEFAULT_PROVIDER: ProviderId = 'maintainx';

export function providerProfile(id: ProviderId = DEFAULT_PROVIDER): ProviderProfile {
  return PROVIDERS[id];
}

export { PROVIDER_IDS, isProviderId, type ProviderId, type ProviderProfile } from './types.js';

/** A --provider value, however given (flag, MX_RUNBOOK_PROVIDER, config file), checked: a one-line usage error naming the choices. */
export function parseProviderId(raw: string): ProviderId {
  if (!isProviderId(raw)) throw new UsageError(`--provider: expected ${PROVIDER_IDS.join(' or ')}, got "${raw}"`);
  return raw;
}

/** For commands that read no config file: --provider, else MX_RUNBOOK_PROVIDER, else the default. */
export function providerFromFlagOrEnv(flag: string | undefined, env: Record<string, string | undefined>): ProviderProfile {
  return providerProfile(parseProviderId(flag ?? (env['MX_RUNBOOK_PROVIDER'] || DEFAULT_PROVIDER)));
}
