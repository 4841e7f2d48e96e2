// A provider profile holds everything that differs between the vendors whose
// integrations mx-runbook diagnoses: where the API is, how a request is
// authenticated and versioned, which request proves the API works, how the
// vendor spells errors and pages, its status page, its severity labels and
// its runbook text. The runbooks themselves are vendor-neutral and read the
// profile: adding a provider = a folder here (+ its runbook markdown under
// runbooks/<id>/) and a line in registry.ts.
//
// Profiles are plain data plus small pure functions: no I/O, nothing heavy
// imported, so any command can read one without slowing its start-up.
import type { Severity } from '../core/types.js';
import type { ListedRecord, ListingClient, ListingResult } from '../vendor/listing.js';

/** Streams every record of the listing to onItem; loaded only by RB-004. */
export type RecordLister = (client: ListingClient, opts: { maxPages?: number; since?: number; onItem: (r: ListedRecord) => void }) => Promise<ListingResult>;

export const PROVIDER_IDS = ['maintainx', 'flexport'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export function isProviderId(s: string): s is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(s);
}

/** How the vendor pages a listing. */
export type PaginationScheme = 'cursor' | 'page';

export interface ProviderProfile {
  id: ProviderId;
  /** Shown to people: "MaintainX", "Flexport". */
  name: string;
  defaults: { baseUrl: string; statusUrl: string; apiVersion?: string };
  /** Environment variables: the key and secrets only ever come from here. */
  env: { apiKey: string; baseUrl: string; statusUrl: string; webhookSecret: string; apiVersion?: string; orgId?: string };
  /** Whether an organization id (x-organization-id) means anything to this vendor. */
  usesOrgId: boolean;
  /** Accepted values of the API version setting, for the error message. */
  apiVersionHelp?: string;
  validApiVersion?(v: string): boolean;
  /** Headers beyond Authorization that every API request carries. */
  headers(c: { orgId?: string; apiVersion?: string }): Record<string, string>;
  /** The cheapest authenticated read: RB-001's HTTP phase. `path` is relative to the base URL. */
  health: { path: string; bodyOk(json: unknown): boolean; expects: string };
  /** The vendor's error text from a response body, or undefined when it is not the vendor's shape. */
  errorText(body: string): string | undefined;
  pagination: { scheme: PaginationScheme; maxPageSize: number; sizeParam: string };
  /** What RB-004 compares: the listing path, the words for it, and the API's field names of the compared slots. */
  records: {
    path: string;
    noun: string;
    singular: string;
    fieldLabels: { id: string; updatedAt: string; status: string; title: string; priority: string };
    /** The listing walk (its own pagination scheme), imported when RB-004 runs. */
    lister(): Promise<RecordLister>;
  };
  /** RB-005's default sweep. */
  latencyEndpoints: string[];
  webhooks: { defaultScheme: string; queueKey: string; failedKey: string };
  /** Where its runbook markdown lives, relative to the package root. */
  docsDir: string;
  /** The label people use for a severity: SEV2 for MaintainX, P2 for Flexport. */
  severityLabel(s: Severity): string;
  /** The status update's heading words (seed 003's communication template). */
  incidentTitle: string;
  /** Said after a 403 on the health request: what a refused but valid key usually lacks. */
  forbiddenHint?: string;
}
