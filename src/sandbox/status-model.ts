// What the status page says in each scenario, independent of its format.
// statuspage.ts and betterstack.ts render this model in their own shapes.
//
// Status-page times are relative to the sandbox start (an open incident must
// look current to a reader), unlike API data, which uses a fixed epoch.

import type { ProviderId } from '../providers/types.js';
import type { ScenarioName } from './scenarios.js';

/** Statuspage component statuses; Better Stack states are derived from them. */
export type ComponentStatus = 'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance';
export type Indicator = 'none' | 'minor' | 'major' | 'critical';

export interface ComponentModel { id: string; name: string; description: string; status: ComponentStatus }
export interface IncidentModel {
  id: string; name: string; status: 'investigating' | 'identified'; impact: 'minor' | 'major';
  message: string; createdAt: string; updatedAt: string;
}
export interface StatusModel {
  indicator: Indicator;
  description: string;
  components: ComponentModel[];
  incidents: IncidentModel[];
  updatedAt: string;
  /** The vendor whose page this is: "MaintainX", "Flexport". */
  pageName: string;
}

export const API_COMPONENT_NAME = 'API';

const DESCRIPTIONS: Record<Indicator, string> = {
  none: 'All Systems Operational',
  minor: 'Partially Degraded Service',
  major: 'Major System Outage',
  critical: 'Major System Outage',
};

/** Per vendor: the name incidents use and the components; scenarios degrade the one named API. */
const VENDORS: Record<ProviderId, { name: string; components: (api: ComponentStatus) => ComponentModel[] }> = {
  maintainx: {
    name: 'MaintainX',
    components: (api) => [
      { id: 'sbx-cmp-api', name: API_COMPONENT_NAME, description: 'REST API (api.getmaintainx.com)', status: api },
      { id: 'sbx-cmp-web', name: 'Web App', description: 'app.getmaintainx.com', status: 'operational' },
      { id: 'sbx-cmp-mobile', name: 'Mobile Apps', description: 'iOS and Android', status: 'operational' },
      { id: 'sbx-cmp-webhooks', name: 'Webhooks', description: 'Outgoing webhook delivery', status: 'operational' },
    ],
  },
  flexport: {
    name: 'Flexport',
    components: (api) => [
      { id: 'sbx-cmp-api', name: API_COMPONENT_NAME, description: 'REST API (api.flexport.com)', status: api },
      { id: 'sbx-cmp-tracking', name: 'Shipment Tracking', description: 'Milestones and tracking updates', status: 'operational' },
      { id: 'sbx-cmp-webhooks', name: 'Webhooks', description: 'Outgoing webhook delivery', status: 'operational' },
      { id: 'sbx-cmp-portal', name: 'Flexport Portal', description: 'app.flexport.com', status: 'operational' },
    ],
  },
};

export function statusModelFor(scenario: ScenarioName, startedAt: number, provider: ProviderId = 'maintainx'): StatusModel {
  const vendor = VENDORS[provider];
  const at = (minutesAgo: number) => new Date(startedAt - minutesAgo * 60_000).toISOString();
  let api: ComponentStatus = 'operational';
  let indicator: Indicator = 'none';
  const incidents: IncidentModel[] = [];
  if (scenario === 'outage') {
    api = 'major_outage';
    indicator = 'major';
    incidents.push({
      id: 'sbx-inc-outage', name: `${vendor.name} API unavailable`, status: 'identified', impact: 'major',
      message: 'Requests to the REST API are failing to connect. We have identified the cause and are working on a fix.',
      createdAt: at(18), updatedAt: at(4),
    });
  } else if (scenario === 'error-storm' || scenario === 'degraded-status') {
    api = 'degraded_performance';
    indicator = 'minor';
    incidents.push({
      id: scenario === 'error-storm' ? 'sbx-inc-errors' : 'sbx-inc-degraded',
      name: scenario === 'error-storm' ? 'Elevated API error rates' : 'Degraded API performance',
      status: 'investigating', impact: 'minor',
      message: scenario === 'error-storm'
        ? 'We are investigating elevated error rates on the REST API.'
        : 'We are investigating increased latency on the REST API.',
      createdAt: at(12), updatedAt: at(3),
    });
  }
  const components = vendor.components(api);
  return { indicator, description: DESCRIPTIONS[indicator], components, incidents, updatedAt: at(incidents.length ? 3 : 60), pageName: vendor.name };
}
