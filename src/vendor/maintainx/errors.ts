// The MaintainX client's typed errors. Listing code matches on the class
// (partial listing vs. rethrow); messages carry the request path, never the
// host's credentials: client.ts passes every message through a Redactor.

/** Base of the client's errors; `path` is the request path (no host, no key). */
export class MaintainXError extends Error {
  override name = 'MaintainXError';
  constructor(message: string, readonly path: string) {
    super(message);
  }
}

/** A definitive 4xx answer (400, 401, 403, 404, ...) with the vendor's error text. */
export class ApiError extends MaintainXError {
  override name = 'ApiError';
  constructor(message: string, path: string, readonly status: number, readonly vendorMessage: string) {
    super(message, path);
  }
}

/** No usable answer after the retries: 5xx, reset, timeout, unreachable. */
export class TransientFailure extends MaintainXError {
  override name = 'TransientFailure';
  constructor(
    message: string, path: string, readonly attempts: number,
    /** HTTP status of the last answer, when there was one. */
    readonly status?: number,
    /** Node/undici error code of the last failure, when there was no answer. */
    readonly code?: string,
  ) {
    super(message, path);
  }
}

/** Waiting out the rate limit would exceed maxWaitMs. */
export class RateLimitExhausted extends MaintainXError {
  override name = 'RateLimitExhausted';
  constructor(message: string, path: string, readonly neededWaitMs: number, readonly waitedMs: number, readonly maxWaitMs: number) {
    super(message, path);
  }
}

/** The client already sent its budget of requests. */
export class BudgetExhausted extends MaintainXError {
  override name = 'BudgetExhausted';
  constructor(message: string, path: string, readonly budget: number) {
    super(message, path);
  }
}

/** A 2xx/3xx answer that is not the JSON the API sends (an HTML page, a redirect). */
export class UnexpectedResponse extends MaintainXError {
  override name = 'UnexpectedResponse';
  constructor(message: string, path: string, readonly status: number, readonly contentType: string) {
    super(message, path);
  }
}
