// normaliseRecord and the local document shapes for Flexport shipments:
// updated_at, name and transportation_mode fill updatedAt, title and
// priority where the MaintainX names are absent; MaintainX records read as
// before. And which JSON documents hold records (and their paging).
import { describe, expect, it } from 'vitest';
import { recordContainer, recordList, sniff } from '../../src/sync/local-collect.js';
import { diffRecords } from '../../src/sync/diff.js';
import { RecordSet, normaliseRecord } from '../../src/sync/records.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const shipment = (id: number, over: Record<string, unknown> = {}) => ({
  _object: '/shipment', id, name: `Shipment ${id}`, status: 'in_transit', transportation_mode: 'ocean', updated_at: new Date(T0 + id * 1000).toISOString(), ...over,
});

describe('normaliseRecord: Flexport shipments', () => {
  it('updated_at → updatedAt, name → title, transportation_mode → priority', () => {
    expect(normaliseRecord(shipment(7))).toEqual({ ok: true, record: { id: 7, updatedAt: T0 + 7000, status: 'in_transit', title: 'Shipment 7', priority: 'ocean' } });
    expect(normaliseRecord(shipment(8, { id: '8', name: null, transportation_mode: null, status: null }))).toEqual({ ok: true, record: { id: 8, updatedAt: T0 + 8000, status: null, title: null, priority: null } });
  });

  it('the MaintainX names win where present; the Flexport ones only fill what is absent', () => {
    const both = { id: 1, updatedAt: T0, updated_at: '2020-01-01T00:00:00Z', title: 'T', name: 'N', priority: 'HIGH', transportation_mode: 'air' };
    expect(normaliseRecord(both)).toEqual({ ok: true, record: { id: 1, updatedAt: T0, status: null, title: 'T', priority: 'HIGH' } });
    // An explicit null title is the record's title: a name beside it does not replace it.
    expect(normaliseRecord({ id: 1, updatedAt: T0, title: null, name: 'N', priority: null, transportation_mode: 'air' })).toMatchObject({ record: { title: null, priority: null } });
    // A null updatedAt is missing: updated_at stands in.
    expect(normaliseRecord({ id: 1, updatedAt: null, updated_at: new Date(T0).toISOString() })).toMatchObject({ ok: true, record: { updatedAt: T0 } });
  });

  it('messages name the field that was read; MaintainX messages are unchanged', () => {
    expect(normaliseRecord(shipment(1, { updated_at: 'yesterday' }))).toEqual({ ok: false, reason: 'unparseable updated_at: "yesterday"' });
    expect(normaliseRecord(shipment(1, { name: { en: 'x' } }))).toEqual({ ok: false, reason: 'name is object' });
    expect(normaliseRecord(shipment(1, { transportation_mode: ['ocean'] }))).toEqual({ ok: false, reason: 'transportation_mode is an array' });
    expect(normaliseRecord({ id: 1, name: 'no time' })).toEqual({ ok: false, reason: 'missing updatedAt' });
    expect(normaliseRecord({ id: 1, updatedAt: 'yesterday', updated_at: '2026-01-01T00:00:00Z' })).toEqual({ ok: false, reason: 'unparseable updatedAt: "yesterday"' });
    expect(normaliseRecord({ id: 1, updatedAt: T0, title: { a: 1 } })).toEqual({ ok: false, reason: 'title is object' });
    expect(normaliseRecord({ id: 1, updatedAt: T0, priority: 3 })).toMatchObject({ ok: true, record: { priority: '3' } });
  });

  it('a shipment store diffs against a listed shipment set slot by slot', () => {
    const remote = new RecordSet();
    const local = new RecordSet();
    for (const [set, raw] of [[remote, shipment(1)], [local, shipment(1, { transportation_mode: 'air', name: 'Old name' })]] as const) {
      const n = normaliseRecord(raw);
      if (!n.ok) throw new Error(n.reason);
      set.add(n.record);
    }
    expect(diffRecords(remote, local).stale).toEqual([{ id: 1, reasons: ['title', 'priority'] }]);
  });
});

describe('document shapes', () => {
  it('an array, {workOrders}, {shipments}, a Flexport collection {data} and its envelope {data: {data}}', () => {
    const list = [shipment(1)];
    expect(recordList(list)).toBe(list);
    expect(recordList({ workOrders: list })).toBe(list);
    expect(recordList({ shipments: list })).toBe(list);
    expect(recordList({ _object: '/api/collections/paginated', next: null, data: list })).toBe(list);
    expect(recordList({ _object: '/api/response', version: 2, data: { _object: '/api/collections/paginated', data: list } })).toBe(list);
    const envelope = { data: { data: list, next: 'http://x/shipments?page=2' } };
    expect(recordContainer(envelope)?.holder).toBe(envelope.data);
    for (const other of [{ items: list }, { data: { shipments: list } }, { data: 'x' }, null, 'x', 7]) expect(recordList(other)).toBeUndefined();
  });

  it('sniff: a one-line {"shipments"} or {"data"} document is JSON; a shipment line is NDJSON', () => {
    expect(sniff(Buffer.from('{"shipments":[]}\n'))).toBe('json');
    expect(sniff(Buffer.from(`${JSON.stringify({ data: [shipment(1)], next: null })}\n`))).toBe('json');
    expect(sniff(Buffer.from(`${JSON.stringify({ _object: '/api/response', data: { data: [] } })}\n`))).toBe('json');
    expect(sniff(Buffer.from(`${JSON.stringify(shipment(1))}\n${JSON.stringify(shipment(2))}\n`))).toBe('ndjson');
    expect(sniff(Buffer.from(`${JSON.stringify({ ...shipment(1), data: [1] })}\n`))).toBe('ndjson'); // a record that has a data list of its own
  });
});
