// Small response helpers shared by the API and the status page handlers.

import type { ServerResponse } from 'node:http';

export type Headers = Record<string, string>;

export interface Reply { status: number; headers: Headers; body: string }

export function jsonReply(status: number, body: unknown, headers: Headers = {}): Reply {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json; charset=utf-8', ...headers } };
}

export function htmlReply(status: number, html: string, headers: Headers = {}): Reply {
  return { status, body: html, headers: { 'content-type': 'text/html; charset=utf-8', ...headers } };
}

export const NOT_FOUND = { error: 'Not Found.' } as const;

export function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

/** Minimal HTML escaping for the few strings placed in pages. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
