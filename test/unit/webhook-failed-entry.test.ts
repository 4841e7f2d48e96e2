import { describe, expect, it } from 'vitest';
import { groupReasons } from '../../src/webhooks/inspect.js';
import { parseFailedEntry, toEpochMs } from '../../src/webhooks/failed-entry.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const parse = (v: unknown) => parseFailedEntry(typeof v === 'string' ? v : JSON.stringify(v), 0, NOW);

describe('parseFailedEntry', () => {
  it.each([
    ['seed 001 event', { id: 'e1', type: 'workorder.created', data: {}, createdAt: '2025-06-01T11:59:00Z', error: 'boom' }, { id: 'e1', type: 'workorder.created', error: 'boom', ageMs: 60_000, atField: 'createdAt' }],
    ['wrapper with Error-like error', { event: { eventId: 'e2', eventType: 'NEW_ASSET' }, err: { message: 'ECONNRESET' }, failedAt: NOW - 5000 }, { id: 'e2', type: 'NEW_ASSET', error: 'ECONNRESET', ageMs: 5000, atField: 'failedAt' }],
    ['seed 002 body, epoch seconds', { event: 'workorder.updated', event_id: 'e3', timestamp: (NOW - 10_000) / 1000 }, { id: 'e3', type: 'workorder.updated', ageMs: 10_000 }],
    ['error object without message', { webhookId: 7, lastError: { code: 'E42' } }, { id: '7', error: '{"code":"E42"}' }],
    ['failedAt wins over createdAt', { failedAt: NOW - 1000, createdAt: NOW - 99_000 }, { ageMs: 1000, atField: 'failedAt' }],
    ['MaintainX status change', { workOrderId: 1, orgId: 2, occurredAt: '2025-06-01T11:00:00Z', oldStatus: 'OPEN', newStatus: 'DONE' }, { workOrderId: '1', type: 'WORK_ORDER_STATUS_CHANGE', typeInferred: true, ageMs: 3_600_000 }],
    ['MaintainX new work order', { workOrderId: 2, orgId: 2, occurredAt: NOW, newWorkOrder: {} }, { type: 'NEW_WORK_ORDER', typeInferred: true, ageMs: 0 }],
    ['MaintainX body inside data', { id: 'e9', type: 'x', data: { workOrderId: 5, newStatus: 'DONE' } }, { id: 'e9', type: 'x', workOrderId: '5' }],
    [
      'Flexport event: type, event id (not the leg id in data), created_at as age',
      { _object: '/event', id: 970_001_001, type: '/shipment_leg#departed', created_at: '2025-06-01T11:30:00.000Z', data: { _object: '/shipment_leg', id: 950_001_001, shipment: { _object: '/api/refs/object', ref_type: '/shipment', id: 930_001_001 } } },
      { id: '970001001', type: '/shipment_leg#departed', at: '2025-06-01T11:30:00.000Z', atField: 'created_at', ageMs: 1_800_000 },
    ],
    ['Flexport event in a wrapper that failed later', { event: { _object: '/event', id: 7, type: '/shipment_leg#arrived', created_at: '2025-06-01T10:00:00Z' }, error: 'timeout', failed_at: '2025-06-01T11:59:00Z' }, { id: '7', type: '/shipment_leg#arrived', error: 'timeout', atField: 'failed_at', ageMs: 60_000 }],
  ])('%s', (_name, input, expected) => {
    expect(parse(input)).toMatchObject({ json: true, ...expected });
  });

  it('leaves what it cannot tell unset', () => {
    const e = parse({ workOrderId: 3, orgId: 2, occurredAt: 'soon' });
    expect(e).toEqual({ index: 0, json: true, bytes: 47, workOrderId: '3' });
  });

  it('shows a non-JSON entry escaped and truncated, with its real size', () => {
    const raw = `\u001b[31mred${'z'.repeat(200)}`;
    const e = parse(raw);
    expect(e.json).toBe(false);
    expect(e.bytes).toBe(Buffer.byteLength(raw));
    expect(e.raw).toMatch(/^\\u001b\[31mredz+…$/);
    expect(e.raw!.length).toBe(80);
    expect(parse('"just a string"')).toMatchObject({ json: false, raw: '\\"just a string\\"' });
  });
});

describe('toEpochMs', () => {
  it.each([
    [1_700_000_000, 1_700_000_000_000],
    [1_700_000_000_123, 1_700_000_000_123],
    ['1700000000', 1_700_000_000_000],
    ['2023-11-14T22:13:20Z', 1_700_000_000_000],
    ['yesterday', undefined],
    [0, undefined],
    [-5, undefined],
    [null, undefined],
  ])('%s → %s', (v, ms) => expect(toEpochMs(v)).toBe(ms));
});

describe('groupReasons', () => {
  it('groups on the first line, most frequent first, ties by name', () => {
    expect(groupReasons(['b\n at x', 'a', 'b\n at y', 'c', '', 'a', 'b'])).toEqual([
      { reason: 'b', count: 3 },
      { reason: 'a', count: 2 },
      { reason: '(empty reason)', count: 1 },
      { reason: 'c', count: 1 },
    ]);
  });
});
