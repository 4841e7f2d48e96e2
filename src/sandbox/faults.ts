// Per-request fault decisions for the `error-storm` and `slow` scenarios.
//
// Decisions are a pure function of (seed, request sequence number), so the
// same sequence of requests always gets the same answers. Requests are grouped
// in blocks of 10 and a seeded shuffle picks which slots of each block fail (7
// of 10) or are slow (2 of 10): the rates then hold exactly over any run, not
// just on average. One exception each: the first request to the health path
// of a run (the CLI's first probe: `/v1/users?limit=1` for MaintainX,
// `/shipments?per=1` for Flexport) always fails in an error storm, so demos
// show the storm, and is always quick when slow, so that probe stays quick.

import { intBetween, mix, mulberry32, shuffledRange } from './prng.js';

const BLOCK = 10;
const FAILING_PER_BLOCK = 7;
const SLOW_PER_BLOCK = 2;

export interface ServerError { status: 500 | 502 | 503; body: { error: string } }

const ERRORS: readonly ServerError[] = [
  { status: 500, body: { error: 'Internal Server Error' } },
  { status: 502, body: { error: 'Bad Gateway' } },
  { status: 503, body: { error: 'Service Unavailable' } },
];

/** Slot positions in block `block` that are "chosen" (first `count` of a seeded shuffle). */
function chosen(seed: number, salt: number, block: number, count: number, slot: number): boolean {
  const order = shuffledRange(mulberry32(mix(seed, salt, block)), BLOCK);
  return order.indexOf(slot) < count;
}

/** The 5xx the error storm gives request `seq`, or null to let it through. */
export function stormError(seed: number, seq: number): ServerError | null {
  const block = Math.floor(seq / BLOCK);
  if (!chosen(seed, 0x5707, block, FAILING_PER_BLOCK, seq % BLOCK)) return null;
  return ERRORS[mix(seed, 0xc0de, seq) % ERRORS.length] as ServerError;
}

/** Response delay in ms for request `seq` in the slow scenario. */
export function slowDelay(seed: number, seq: number): number {
  const rng = mulberry32(mix(seed, 0xde1a, seq));
  const block = Math.floor(seq / BLOCK);
  return chosen(seed, 0x510e, block, SLOW_PER_BLOCK, seq % BLOCK)
    ? intBetween(rng, 1600, 2200)
    : intBetween(rng, 200, 600);
}

export type FaultDecision =
  | { kind: 'error'; error: ServerError }
  | { kind: 'pass'; delayMs: number };

/** Stateful per-run plan: remembers whether the first health-path request was seen. */
export class FaultPlan {
  private healthSeen = false;

  constructor(
    private readonly mode: 'none' | 'error-storm' | 'slow',
    private readonly seed: number,
    private readonly healthPath = '/v1/users',
  ) {}

  decide(seq: number, pathname: string): FaultDecision {
    const firstHealth = pathname === this.healthPath && !this.healthSeen;
    if (pathname === this.healthPath) this.healthSeen = true;
    if (this.mode === 'error-storm') {
      const err = firstHealth ? (ERRORS[2] as ServerError) : stormError(this.seed, seq);
      return err ? { kind: 'error', error: err } : { kind: 'pass', delayMs: 0 };
    }
    if (this.mode === 'slow') {
      const delayMs = firstHealth ? 150 + (mix(this.seed, seq) % 100) : slowDelay(this.seed, seq);
      return { kind: 'pass', delayMs };
    }
    return { kind: 'pass', delayMs: 0 };
  }
}
