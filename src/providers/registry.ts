// The providers, by id. Adding one = its folder and a line here.
import { flexport } from './flexport/profile.js';
import { maintainx } from './maintainx/profile.js';
import type { ProviderId, ProviderProfile } from './types.js';

export const PROVIDERS: Readonly<Record<ProviderId, ProviderProfile>> = { maintainx, flexport };

export const DEFAULT_PROVIDER: ProviderId = 'maintainx';

export function providerProfile(id: ProviderId = DEFAULT_PROVIDER): ProviderProfile {
  return PROVIDERS[id];
}

export { PROVIDER_IDS, isProviderId, type ProviderId, type ProviderProfile } from './types.js';
