import { describe, expect, it } from 'vitest';
import { diffRecords, type StaleReason } from '../../src/sync/diff.js';
import { RecordSet, normaliseRecord, parseUpdatedAt, type WorkOrderRecord } from '../../src/sync/records.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const wo = (id: number, over: Partial<WorkOrderRecord> = {}): WorkOrderRecord => ({ id, updatedAt: T0 + id * 1000, status: 'OPEN', title: `WO ${id}`, priority: 'LOW', ...over });
const set = (recs: WorkOrderRecord[]): RecordSet => {
  const s = new RecordSet();
  for (const r of recs) s.add(r);
  return s;
};

describe('diffRecords', () => {
  const cases: Array<{
    name: string;
    remote: WorkOrderRecord[];
    local: WorkOrderRecord[];
    since?: number;
    missing?: number[];
    extra?: number[];
    stale?: Array<{ id: number; reasons: StaleReason[] }>;
    inSync: number;
    lag: number | null;
  }> = [
    { name: 'identical sides are in sync', remote: [wo(1), wo(2)], local: [wo(1), wo(2)], inSync: 2, lag: 0 },
    { name: 'missing locally', remote: [wo(3), wo(1), wo(2)], local: [wo(2)], missing: [1, 3], inSync: 1, lag: 1 },
    { name: 'extra locally', remote: [wo(1)], local: [wo(9), wo(1), wo(5)], extra: [5, 9], inSync: 1, lag: -8 },
    { name: 'stale: remote updatedAt newer', remote: [wo(1, { updatedAt: T0 + 5000 })], local: [wo(1, { updatedAt: T0 })], stale: [{ id: 1, reasons: ['updatedAt'] }], inSync: 0, lag: 5 },
    { name: 'local newer with equal fields is in sync', remote: [wo(1, { updatedAt: T0 })], local: [wo(1, { updatedAt: T0 + 5000 })], inSync: 1, lag: -5 },
    { name: 'stale: status', remote: [wo(1, { status: 'DONE' })], local: [wo(1)], stale: [{ id: 1, reasons: ['status'] }], inSync: 0, lag: 0 },
    { name: 'stale: title', remote: [wo(1, { title: 'Pump B' })], local: [wo(1, { title: 'Pump A' })], stale: [{ id: 1, reasons: ['title'] }], inSync: 0, lag: 0 },
    { name: 'stale: priority', remote: [wo(1, { priority: 'HIGH' })], local: [wo(1)], stale: [{ id: 1, reasons: ['priority'] }], inSync: 0, lag: 0 },
    { name: 'stale: absent vs present priority', remote: [wo(1, { priority: null })], local: [wo(1)], stale: [{ id: 1, reasons: ['priority'] }], inSync: 0, lag: 0 },
    {
      name: 'stale: every reason at once, in a fixed order',
      remote: [wo(1, { updatedAt: T0 + 9000, status: 'DONE', title: 'x', priority: 'HIGH' })],
      local: [wo(1, { updatedAt: T0 })],
      stale: [{ id: 1, reasons: ['updatedAt', 'status', 'title', 'priority'] }],
      inSync: 0,
      lag: 9,
    },
    { name: 'undocumented status values compare by name', remote: [wo(1, { status: 'COMPLETED' }), wo(2, { status: 'COMPLETED' })], local: [wo(1, { status: 'COMPLETED' }), wo(2, { status: 'CLOSED' })], stale: [{ id: 2, reasons: ['status'] }], inSync: 1, lag: 0 },
    { name: 'documented vs undocumented status', remote: [wo(1, { status: 'DONE' })], local: [wo(1, { status: 'COMPLETED' })], stale: [{ id: 1, reasons: ['status'] }], inSync: 0, lag: 0 },
    { name: 'both sides empty', remote: [], local: [], inSync: 0, lag: null },
    { name: 'empty local', remote: [wo(2), wo(1)], local: [], missing: [1, 2], inSync: 0, lag: null },
    { name: 'empty remote', remote: [], local: [wo(2), wo(1)], extra: [1, 2], inSync: 0, lag: null },
    {
      name: 'since: only remote records at or after it are judged; extra not judged',
      remote: [wo(1), wo(2, { status: 'DONE' }), wo(3), wo(4)],
      local: [wo(2), wo(4), wo(99)],
      since: T0 + 3000, // ids 3 and 4 (id 2 is stale but older than since, id 1 missing but older)
      missing: [3],
      inSync: 1,
      lag: -95,
    },
    { name: 'since equal to updatedAt is inclusive', remote: [wo(5)], local: [], since: T0 + 5000, missing: [5], inSync: 0, lag: null },
    { name: 'results sorted by id whatever the insertion order', remote: [wo(30, { title: 'n' }), wo(10, { title: 'n' }), wo(20, { title: 'n' })], local: [wo(20), wo(30), wo(10)], stale: [10, 20, 30].map((id) => ({ id, reasons: ['title'] as StaleReason[] })), inSync: 0, lag: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = diffRecords(set(c.remote), set(c.local), c.since === undefined ? {} : { since: c.since });
      expect(d).toEqual({
        remoteCount: c.remote.length,
        localCount: c.local.length,
        missingLocally: c.missing ?? [],
        extraLocally: c.extra ?? [],
        stale: c.stale ?? [],
        inSync: c.inSync,
        lagSeconds: c.lag,
      });
    });
  }

  it('ids beyond 2^31 and large sets', () => {
    const big = 2 ** 40;
    const d = diffRecords(set([wo(big), wo(big + 2)]), set([wo(big + 1), wo(big + 2)]));
    expect(d.missingLocally).toEqual([big]);
    expect(d.extraLocally).toEqual([big + 1]);
  });

  // Speed is measured by bench/sync-compare.mjs, not asserted here (CI machines are shared).
  it('compares 200,000 against 200,000 exactly', () => {
    const remote = new RecordSet();
    const local = new RecordSet();
    for (let i = 1; i <= 200_000; i++) {
      remote.add(wo(i, { status: i % 97 === 0 ? 'DONE' : 'OPEN' }));
      if (i % 100 !== 0) local.add(wo(i));
    }
    const d = diffRecords(remote, local);
    expect(d.missingLocally.length).toBe(2000);
    expect(d.stale.length).toBe(Math.floor(200_000 / 97) - Math.floor(200_000 / 9700)); // multiples of 97, less those missing
    expect(d.inSync).toBe(200_000 - 2000 - d.stale.length);
  });
});

describe('RecordSet', () => {
  it('counts duplicates and keeps the newer record (the first on a tie)', () => {
    const s = new RecordSet();
    expect(s.add(wo(1, { title: 'old', updatedAt: T0 }))).toBe('added');
    expect(s.add(wo(1, { title: 'new', updatedAt: T0 + 1 }))).toBe('duplicate');
    expect(s.add(wo(1, { title: 'older', updatedAt: T0 - 1 }))).toBe('duplicate');
    expect(s.add(wo(1, { title: 'tie', updatedAt: T0 + 1 }))).toBe('duplicate');
    expect(s.size).toBe(1);
    expect(s.get(1)?.title).toBe('new');
  });

  it('duplicates on one side do not distort the diff', () => {
    const remote = set([wo(1), wo(2), wo(1), wo(2, { updatedAt: T0 + 99_000 })]);
    const local = set([wo(1), wo(1), wo(2)]);
    const d = diffRecords(remote, local);
    expect(d.remoteCount).toBe(2);
    expect(d.localCount).toBe(2);
    expect(d.stale).toEqual([{ id: 2, reasons: ['updatedAt'] }]);
    expect(d.inSync).toBe(1);
  });

  it('grows past its first capacity, iterates in insertion order, round-trips every field', () => {
    const s = new RecordSet();
    const ids = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5003);
    for (const id of ids) s.add(wo(id, { status: id % 2 ? 'WEIRD' : 'DONE', priority: id % 3 ? null : 'HIGH', title: id % 5 ? `t${id}` : null }));
    expect(s.size).toBe(5000);
    expect([...s].map((r) => r.id)).toEqual(ids);
    expect(s.get(ids[4321]!)).toEqual(wo(ids[4321]!, { status: ids[4321]! % 2 ? 'WEIRD' : 'DONE', priority: ids[4321]! % 3 ? null : 'HIGH', title: ids[4321]! % 5 ? `t${ids[4321]}` : null }));
    expect(s.get(123_456)).toBeUndefined();
    expect(s.newestUpdatedAt).toBe(T0 + 5002 * 1000);
  });
});

describe('normaliseRecord', () => {
  const ok = [
    { raw: { id: 7, updatedAt: '2025-03-01T12:00:00Z', status: 'OPEN', title: 't', priority: 'LOW' }, id: 7, at: T0 },
    { raw: { id: '7', updatedAt: T0 }, id: 7, at: T0 },
    { raw: { id: 7, updatedAt: T0 / 1000 }, id: 7, at: T0 },
    { raw: { id: 7, updatedAt: String(T0 / 1000) }, id: 7, at: T0 },
    { raw: { id: 7, updatedAt: '2025-03-01T13:00:00+01:00' }, id: 7, at: T0 },
  ];
  for (const c of ok) {
    it(`accepts ${JSON.stringify(c.raw)}`, () => {
      const n = normaliseRecord(c.raw);
      expect(n.ok && n.record.id).toBe(c.id);
      expect(n.ok && n.record.updatedAt).toBe(c.at);
    });
  }
  const bad: Array<[unknown, RegExp]> = [
    [null, /not an object/],
    [[1], /not an object \(an array\)/],
    ['x', /not an object/],
    [{ updatedAt: T0 }, /missing id/],
    [{ id: 1.5, updatedAt: T0 }, /id is not/],
    [{ id: -1, updatedAt: T0 }, /id is not/],
    [{ id: '12a', updatedAt: T0 }, /id is not/],
    [{ id: 1 }, /missing updatedAt/],
    [{ id: 1, updatedAt: 'yesterday' }, /unparseable updatedAt/],
    [{ id: 1, updatedAt: '2025-13-45T99:00:00Z' }, /unparseable updatedAt/],
    [{ id: 1, updatedAt: T0, title: { a: 1 } }, /title is object/],
  ];
  for (const [raw, why] of bad) {
    it(`rejects ${JSON.stringify(raw)}`, () => {
      const n = normaliseRecord(raw);
      expect(n.ok).toBe(false);
      if (!n.ok) expect(n.reason).toMatch(why);
    });
  }
  it('uses the fallback id and checks it against the value', () => {
    expect(normaliseRecord({ updatedAt: T0 }, 4)).toMatchObject({ ok: true, record: { id: 4 } });
    expect(normaliseRecord({ id: 5, updatedAt: T0 }, 4)).toMatchObject({ ok: false });
  });
  it('parseUpdatedAt: seconds vs milliseconds', () => {
    expect(parseUpdatedAt(1_700_000_000)).toBe(1_700_000_000_000);
    expect(parseUpdatedAt(1_700_000_000_123)).toBe(1_700_000_000_123);
    expect(parseUpdatedAt(Number.NaN)).toBeUndefined();
  });
});
