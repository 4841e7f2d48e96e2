import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { RUNBOOK_IDS, parseRunbookId } from '../../src/core/runbook-ids.js';

describe('parseRunbookId', () => {
  it.each([
    ['RB-001', 'RB-001'],
    ['rb-001', 'RB-001'],
    ['rb-3', 'RB-003'],
    ['rb003', 'RB-003'],
    ['RB3', 'RB-003'],
    ['Rb-5', 'RB-005'],
    ['rb2', 'RB-002'],
    [' RB-004 ', 'RB-004'],
  ])('%j → %s', (input, want) => {
    expect(parseRunbookId(input)).toBe(want);
  });

  it.each(['rb-6', 'RB-000', 'rb-0', 'x', '', 'rb', 'rb--1', 'RB-001a', '001', 'rb-10'])('%j is a UsageError', (input) => {
    expect(() => parseRunbookId(input)).toThrow(UsageError);
  });

  it('the error names the accepted ids and an example', () => {
    expect(() => parseRunbookId('rb-6')).toThrow(/unknown runbook "rb-6".*RB-001, RB-002, RB-003, RB-004, RB-005/);
  });

  it('knows exactly the five runbooks', () => {
    expect(RUNBOOK_IDS).toEqual(['RB-001', 'RB-002', 'RB-003', 'RB-004', 'RB-005']);
  });
});
