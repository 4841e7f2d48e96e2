import { performance } from 'node:perf_hooks';

export const now = (): number => performance.now();
export const since = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

/**
 * Races `work` against a timer. The timer is the guarantee: whatever a peer
 * does (answers nothing, trickles bytes), the caller gets control back by
 * `ms`. `onTimeout` lets the caller destroy the socket it was waiting on.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => T, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const timer = setTimeout(() => finish(() => resolve(onTimeout())), ms);
    const onAbort = () => finish(() => reject(signal?.reason ?? new Error('aborted')));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => finish(() => resolve(v)),
      (e) => finish(() => reject(e)),
    );
  });
}

/**
 * One deadline for a whole exchange (connect, headers and body together),
 * linked to a caller's signal: undici's headersTimeout/bodyTimeout bound each
 * phase separately, so a peer trickling bytes could outlast them.
 * `timedOut()` tells our deadline from the caller's abort; `dispose()` always.
 */
export function exchangeDeadline(timeoutMs: number, parent?: AbortSignal): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
  const ac = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    ac.abort(new Error(`no complete answer within ${timeoutMs} ms`));
  }, timeoutMs);
  const onParent = () => ac.abort(parent?.reason);
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: ac.signal,
    timedOut: () => fired,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}
