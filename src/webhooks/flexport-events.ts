// Test deliveries shaped like Flexport's webhook events (API-FACTS "Flexport
// API"): `{"_object":"/event", id, type: "/shipment_leg#departed", created_at,
// data}`, the data a shipment leg that refers to its shipment by an
// `/api/refs/object`. Beyond those fields the leg's contents are assumed (a
// plausible leg, not copied from a real one). Ids come from a seeded counter
// far above real ones, so a run is reproducible and a test event never names
// a real shipment; only the delivery id (used by schemes that send one) is
// unique per delivery.
import { randomUUID } from 'node:crypto';
import type { EventFactoryOptions, WebhookTestEvent } from './events.js';

export const FLEXPORT_EVENT_TYPES = ['/shipment_leg#departed', '/shipment_leg#arrived'] as const;
export type FlexportEventType = (typeof FLEXPORT_EVENT_TYPES)[number];

export function isFlexportEventType(s: string): s is FlexportEventType {
  return (FLEXPORT_EVENT_TYPES as readonly string[]).includes(s);
}

export interface FlexportRef {
  _object: '/api/refs/object';
  ref_type: '/shipment';
  id: number;
  link: string;
}

export interface FlexportPlace {
  _object: '/place';
  name: string;
  /** UN/LOCODE of the port. */
  code: string;
}

export interface FlexportShipmentLeg {
  _object: '/shipment_leg';
  id: number;
  shipment: FlexportRef;
  transportation_mode: 'ocean';
  carrier_name: string;
  origin: FlexportPlace;
  destination: FlexportPlace;
  estimated_departure_date: string;
  actual_departure_date: string | null;
  estimated_arrival_date: string;
  actual_arrival_date: string | null;
}

export interface FlexportEventPayload {
  _object: '/event';
  id: number;
  type: FlexportEventType;
  created_at: string;
  data: FlexportShipmentLeg;
}

export interface FlexportTestEvent extends WebhookTestEvent {
  type: FlexportEventType;
  payload: FlexportEventPayload;
}

export interface FlexportEventFactory {
  /** A new event at `timestampS` (Unix seconds): a fresh leg of a fresh shipment each time. */
  next(type: FlexportEventType, timestampS: number): FlexportTestEvent;
}

export const FLEXPORT_API_BASE = 'https://api.flexport.com';
const DAY_MS = 86_400_000;

export function createFlexportEventFactory(opts: Pick<EventFactoryOptions, 'seed' | 'deliveryId'> = {}): FlexportEventFactory {
  const seed = opts.seed ?? 1;
  const deliveryId = opts.deliveryId ?? (() => `mxrb_${randomUUID()}`);
  // Far above real ids (and the sandbox's 900,001…), below 2^31 for receivers that store int32.
  const slot = (Math.abs(Math.trunc(seed)) % 1_000) * 1_000;
  const eventBase = 970_000_000 + slot;
  const legBase = 950_000_000 + slot;
  const shipmentBase = 930_000_000 + slot;
  let n = 0;
  return {
    next(type, timestampS) {
      n += 1;
      const atMs = timestampS * 1000;
      const at = new Date(atMs).toISOString();
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const departed = type === '/shipment_leg#departed';
      // Departed now, due in 14 days; or arrived now after 14 days at sea.
      const departMs = departed ? atMs : atMs - 14 * DAY_MS;
      const arriveMs = departMs + 14 * DAY_MS;
      const shipmentId = shipmentBase + n;
      const leg: FlexportShipmentLeg = {
        _object: '/shipment_leg',
        id: legBase + n,
        shipment: { _object: '/api/refs/object', ref_type: '/shipment', id: shipmentId, link: `${FLEXPORT_API_BASE}/shipments/${shipmentId}` },
        transportation_mode: 'ocean',
        carrier_name: `[mx-runbook webhook test] carrier #${n}`,
        origin: { _object: '/place', name: 'Shanghai', code: 'CNSHA' },
        destination: { _object: '/place', name: 'Los Angeles', code: 'USLAX' },
        estimated_departure_date: day(departMs),
        actual_departure_date: new Date(departMs).toISOString(),
        estimated_arrival_date: day(arriveMs),
        actual_arrival_date: departed ? null : at,
      };
      const payload: FlexportEventPayload = { _object: '/event', id: eventBase + n, type, created_at: at, data: leg };
      return { type, deliveryId: deliveryId(), timestampS, payload, body: JSON.stringify(payload) };
    },
  };
}

/**
 * The same JSON with one value changed (the leg's id + 1): still valid JSON
 * of the same shape and the same event id, so a receiver that rejects it can
 * only do so on the signature.
 */
export function tamperFlexportBody(body: string): string {
  const parsed = JSON.parse(body) as { data?: unknown };
  const data = typeof parsed.data === 'object' && parsed.data !== null ? (parsed.data as Record<string, unknown>) : {};
  const id = typeof data['id'] === 'number' ? data['id'] : 0;
  return JSON.stringify({ ...parsed, data: { ...data, id: id + 1 } });
}
