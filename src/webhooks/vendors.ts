// What differs between the vendors whose webhooks `webhook test` and RB-003
// imitate: the events sent, how a body is tampered with, the scheme and
// headers of a real delivery, which schemes to retry in when a valid one is
// refused, and the words the findings use. Pure; the provider profile
// (src/providers/) stays the source of the default scheme and secret name.
import { providerProfile } from '../providers/registry.js';
import type { ProviderId } from '../providers/types.js';
import { createEventFactory, tamperBody, TEST_EVENT_TYPES, type EventFactoryOptions, type TestEventType, type WebhookTestEvent } from './events.js';
import { createFlexportEventFactory, FLEXPORT_EVENT_TYPES, isFlexportEventType, tamperFlexportBody } from './flexport-events.js';
import { isScheme, type Scheme } from './signing.js';

export type WebhookProvider = ProviderId;

export interface VendorEventFactory {
  next(type: string, timestampS: number): WebhookTestEvent;
}

export interface WebhookVendor {
  id: WebhookProvider;
  /** "MaintainX", "Flexport". */
  name: string;
  /** The scheme real deliveries are signed in (profile.webhooks.defaultScheme). */
  defaultScheme: Scheme;
  /** The environment variable holding the signing secret. */
  secretEnv: string;
  /** Where the secret comes from, for the "set …" message. */
  secretSource: string;
  /** [first, second]: the type of the "valid" delivery and of the second event type checked. */
  types: readonly [string, string];
  events(opts: EventFactoryOptions): VendorEventFactory;
  /** The body with one value changed, still valid JSON of the same shape. */
  tamper(body: string): string;
  /** Headers every test delivery carries besides the signature. */
  headers: Record<string, string>;
  /** In the `github` scheme, also the deprecated SHA-1 X-Hub-Signature (Flexport sends both). */
  sha1Companion(scheme: Scheme): boolean;
  /** Schemes to retry a refused valid delivery in, in order: the likely causes first. */
  fallbacks: readonly Scheme[];
  /** Clause on the delivery timeout: "MaintainX gives up at 10000 ms". */
  givesUp(ms: number): string;
  /** What the body says about its type, for a refused second event type. */
  secondTypeHint: string;
  /** Hints by answer, for a refused valid delivery. */
  hints: { secret: string; shape: string; path: string; other: string };
  /** RB-003's unsigned probe body (no secret at hand): the vendor's shape, so only the missing signature can be refused. */
  unsignedBody(at: Date, note: string): string;
}

const maintainx: WebhookVendor = {
  id: 'maintainx',
  name: 'MaintainX',
  defaultScheme: 'maintainx',
  secretEnv: providerProfile('maintainx').env.webhookSecret,
  secretSource: 'the subscription secret, from GET /subscriptions/{id}/secret',
  types: [TEST_EVENT_TYPES[0], TEST_EVENT_TYPES[1]],
  events: (opts) => {
    const f = createEventFactory(opts);
    return { next: (type, ts) => f.next(maintainxType(type), ts) };
  },
  tamper: tamperBody,
  headers: { 'content-type': 'application/json', 'user-agent': 'mx-runbook webhook test' },
  sha1Companion: () => false,
  // Seed 001 and 002 receivers first: they are the likely cause of a rejected real delivery.
  fallbacks: ['legacy-timestamped', 'legacy-body', 'maintainx', 'standard', 'github'],
  givesUp: (ms) => `MaintainX gives up at ${ms} ms`,
  secondTypeHint: 'MaintainX bodies carry no event-type field — does it expect one, or only one event shape?',
  hints: {
    secret: 'wrong secret? (every subscription has its own: GET /subscriptions/{id}/secret) — or it verifies re-serialised JSON instead of the raw bytes',
    shape: 'it may expect another body shape (an event-type field?); MaintainX bodies carry none',
    path: 'wrong path or method: MaintainX POSTs to the URL exactly as registered',
    other: 'MaintainX treats any non-2xx answer as a failed delivery',
  },
  unsignedBody: (at, note) => JSON.stringify({ workOrderId: 1, orgId: 1, occurredAt: at.toISOString(), note }),
};

const flexport: WebhookVendor = {
  id: 'flexport',
  name: 'Flexport',
  defaultScheme: 'github',
  secretEnv: providerProfile('flexport').env.webhookSecret,
  secretSource: "the secret set on the webhook endpoint in Flexport's developer settings",
  types: [FLEXPORT_EVENT_TYPES[0], FLEXPORT_EVENT_TYPES[1]],
  events: (opts) => {
    const f = createFlexportEventFactory(opts);
    return { next: (type, ts) => f.next(flexportType(type), ts) };
  },
  tamper: tamperFlexportBody,
  // Flexport names no event-specific headers; the type is in the body.
  headers: { 'content-type': 'application/json', 'user-agent': 'mx-runbook' },
  sha1Companion: (scheme) => scheme === 'github',
  // A Flexport receiver has no old guide to follow; a MaintainX one at this URL would accept `maintainx`.
  fallbacks: ['maintainx', 'standard', 'github'],
  givesUp: (ms) => `Flexport does not document its delivery timeout; assume it gives up by ${ms} ms`,
  secondTypeHint: 'Flexport sends every subscribed event type to the same URL, named in the body\'s "type" — does it handle only one?',
  hints: {
    secret: "wrong secret? (the one set on the webhook endpoint in Flexport) — or it verifies re-serialised JSON instead of the raw bytes",
    shape: 'it may expect another body shape; Flexport events are {"_object":"/event", id, type, created_at, data}',
    path: 'wrong path or method: Flexport POSTs to the URL exactly as registered',
    other: 'a sender treats any non-2xx answer as a failed delivery',
  },
  // Ids far above real ones.
  unsignedBody: (at, note) => JSON.stringify({
    _object: '/event',
    id: 979_999_999,
    type: '/shipment_leg#departed',
    created_at: at.toISOString(),
    data: { _object: '/shipment_leg', id: 959_999_999, shipment: { _object: '/api/refs/object', ref_type: '/shipment', id: 939_999_999, link: 'https://api.flexport.com/shipments/939999999' }, note },
  }),
};

const VENDORS: Readonly<Record<WebhookProvider, WebhookVendor>> = { maintainx, flexport };

export function webhookVendor(id: WebhookProvider = 'maintainx'): WebhookVendor {
  const v = VENDORS[id];
  // The profile is the source of the default scheme; fall back to ours if it names an unknown one.
  const dflt = providerProfile(id).webhooks.defaultScheme;
  return isScheme(dflt) && dflt !== v.defaultScheme ? { ...v, defaultScheme: dflt } : v;
}

function maintainxType(type: string): TestEventType {
  if ((TEST_EVENT_TYPES as readonly string[]).includes(type)) return type as TestEventType;
  throw new Error(`not a MaintainX test event type: ${type}`);
}

function flexportType(type: string) {
  if (isFlexportEventType(type)) return type;
  throw new Error(`not a Flexport test event type: ${type}`);
}
