// What every provider's record listing shares: the item it streams, the
// result it ends with, and the client it needs. A listed record has the five
// slots the sync diff compares (src/sync/records.ts); what each slot is
// called is the provider's business (MaintainX: title, priority, updatedAt;
// Flexport: name, transportation_mode, updated_at; see SHIPMENT_FIELD_LABELS).

import type { MaintainXClient } from './maintainx/client.js';

export interface ListedRecord {
  id: number;
  /** Epoch ms. */
  updatedAt: number;
  status: string | null;
  title: string | null;
  priority: string | null;
  /** The API's object, only when `includeRaw` is set. */
  raw?: Record<string, unknown>;
}

export interface ListingOptions {
  maxPages?: number;
  /** Watermark (epoch ms): only records updated at or after it. */
  since?: number;
  includeRaw?: boolean;
  onItem: (record: ListedRecord) => void;
}

export interface ListingResult {
  pages: number;
  /** Records delivered to onItem. */
  items: number;
  /** Ids seen again on a later page (not delivered twice). */
  duplicates: number;
  /** List entries without an integer id or a parseable update time (not delivered). */
  invalid: number;
  partial: boolean;
  partialReason?: string;
  /** The API handed out an already-read cursor or page link again. */
  cursorLoop: boolean;
  /** Newest updatedAt delivered (epoch ms): the next run's watermark. */
  newestUpdatedAt?: number;
}

export type ListingClient = Pick<MaintainXClient, 'get' | 'origin'>;
