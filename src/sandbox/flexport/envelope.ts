// Flexport's response envelope (API-FACTS "Flexport API"): every answer, good
// or bad, is `{_object: "/api/response", self, version: 2, ...}` with either
// `data` or `error: {_object: "/api/error", status, code, message}`.
//
// `version` stays 2 even when a client sent a date version: the sandbox
// serves one shape, and says so rather than pretending to honour the date.

import { jsonReply, type Reply } from '../http.js';

export const API_VERSION = 2;

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  429: 'too_many_requests',
  500: 'internal_server_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
};

export function dataReply(self: string, data: unknown): Reply {
  return jsonReply(200, { _object: '/api/response', self, version: API_VERSION, data });
}

export function errorReply(self: string, status: number, message: string, code = CODES[status] ?? 'error', headers: Record<string, string> = {}): Reply {
  return jsonReply(status, {
    _object: '/api/response', self, version: API_VERSION,
    error: { _object: '/api/error', status, code, message },
  }, headers);
}
