// Test deliveries shaped like MaintainX's real webhook payloads (API-FACTS
// "MaintainX webhooks"): no event-type field and no event id in the body,
// which is all a receiver gets. Every scheme sends the same body: receivers
// only verify it. Ids come from a seeded counter, so a run is reproducible;
// only the delivery id (a header in some schemes) is unique per delivery.
import { randomUUID } from 'node:crypto';

export const TEST_EVENT_TYPES = ['NEW_WORK_ORDER', 'WORK_ORDER_STATUS_CHANGE'] as const;
export type TestEventType = (typeof TEST_EVENT_TYPES)[number];

export type WorkOrderStatus = 'OPEN' | 'IN_PROGRESS' | 'ON_HOLD' | 'DONE' | 'CANCELED' | 'SKIPPED';

export interface WebhookWorkOrder {
  id: number;
  sequentialId: number;
  title: string;
  status: WorkOrderStatus;
  priority: 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH';
  createdAt: string;
  updatedAt: string;
  dueDate: string | null;
  locationId: number | null;
  assignees: Array<{ type: 'USER' | 'TEAM'; id: number }>;
  categories: string[];
  extraFields: Record<string, unknown>;
}

export interface NewWorkOrderPayload {
  workOrderId: number;
  orgId: number;
  occurredAt: string;
  newWorkOrder: WebhookWorkOrder;
}

export interface StatusChangePayload {
  workOrderId: number;
  orgId: number;
  occurredAt: string;
  oldStatus: WorkOrderStatus;
  newStatus: WorkOrderStatus;
  newWorkOrder: WebhookWorkOrder;
}

/** Any vendor's test delivery (Flexport's are in flexport-events.ts). */
export interface WebhookTestEvent {
  /** The vendor's event type: NEW_WORK_ORDER, /shipment_leg#departed, ... */
  type: string;
  /** Unique per delivery: Standard Webhooks' webhook-id, seed 002's X-MaintainX-Event-Id. */
  deliveryId: string;
  /** When it "happened": Unix seconds, the signature timestamp. */
  timestampS: number;
  payload: unknown;
  /** The exact bytes sent and signed. */
  body: string;
}

export interface TestEvent extends WebhookTestEvent {
  type: TestEventType;
  payload: NewWorkOrderPayload | StatusChangePayload;
}

export interface EventFactoryOptions {
  /** Same seed, same work-order ids (default 1). */
  seed?: number;
  /** MaintainX organization id (default a fixed test org). */
  orgId?: number;
  /** Delivery ids; default random UUIDs prefixed `mxrb_`. */
  deliveryId?: () => string;
}

export interface EventFactory {
  /** A new event at `timestampS` (Unix seconds): a fresh work order each time. */
  next(type: TestEventType, timestampS: number): TestEvent;
}

export const TEST_ORG_ID = 990_001;

export function createEventFactory(opts: EventFactoryOptions = {}): EventFactory {
  const seed = opts.seed ?? 1;
  const orgId = opts.orgId ?? TEST_ORG_ID;
  const deliveryId = opts.deliveryId ?? (() => `mxrb_${randomUUID()}`);
  // Ids far above real ones, so a test event never collides with a real work order.
  const base = 900_000_000 + (Math.abs(Math.trunc(seed)) % 1_000) * 1_000;
  let n = 0;
  return {
    next(type, timestampS) {
      n += 1;
      const id = base + n;
      const at = new Date(timestampS * 1000).toISOString();
      const wo = (status: WorkOrderStatus): WebhookWorkOrder => ({
        id,
        sequentialId: 90_000 + n,
        title: `[mx-runbook webhook test] Inspect conveyor belt #${n}`,
        status,
        priority: 'MEDIUM',
        createdAt: at,
        updatedAt: at,
        dueDate: null,
        locationId: null,
        assignees: [],
        categories: ['Inspection'],
        extraFields: {},
      });
      const payload: NewWorkOrderPayload | StatusChangePayload =
        type === 'NEW_WORK_ORDER'
          ? { workOrderId: id, orgId, occurredAt: at, newWorkOrder: wo('OPEN') }
          : { workOrderId: id, orgId, occurredAt: at, oldStatus: 'OPEN', newStatus: 'IN_PROGRESS', newWorkOrder: wo('IN_PROGRESS') };
      return { type, deliveryId: deliveryId(), timestampS, payload, body: JSON.stringify(payload) };
    },
  };
}

/**
 * The same JSON with one value changed (workOrderId + 1): still valid JSON of
 * the same shape, so a receiver that rejects it can only do so on the signature.
 */
export function tamperBody(body: string): string {
  const parsed = JSON.parse(body) as { workOrderId?: unknown };
  const id = typeof parsed.workOrderId === 'number' ? parsed.workOrderId : 0;
  return JSON.stringify({ ...parsed, workOrderId: id + 1 });
}
