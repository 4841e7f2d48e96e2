// The status page server: Statuspage v2 JSON under /api/v2, the Better Stack
// feed at /en/index.json (and /index.json), an HTML page at /.
//
// statusFormat chooses which family is served:
//   both        - everything (default; lets probes try either)
//   statuspage  - Better Stack feed answers 404
//   betterstack - /api/v2/* answers 302 to / (as status.getmaintainx.com
//                 reportedly does), / is HTML

import { betterStackIndex } from './betterstack.js';
import { escapeHtml, htmlReply, jsonReply, type Reply } from './http.js';
import { statuspageBody } from './statuspage.js';
import type { StatusModel } from './status-model.js';

export const STATUS_FORMATS = ['both', 'statuspage', 'betterstack'] as const;
export type StatusFormat = (typeof STATUS_FORMATS)[number];

export interface StatusContext {
  model: StatusModel;
  format: StatusFormat;
  /** The status page root URL, e.g. http://127.0.0.1:PORT */
  url: string;
  host: string;
  startedAt: number;
}

function statusHtml(ctx: StatusContext): string {
  const rows = ctx.model.components
    .map((c) => `<li>${escapeHtml(c.name)}: ${escapeHtml(c.status.replace(/_/g, ' '))}</li>`).join('');
  const incidents = ctx.model.incidents
    .map((i) => `<li><strong>${escapeHtml(i.name)}</strong> (${i.status}) ${escapeHtml(i.message)}</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(ctx.model.pageName)} Status (sandbox)</title></head>`
    + `<body><h1>${escapeHtml(ctx.model.description)}</h1><ul>${rows}</ul>`
    + (incidents ? `<h2>Ongoing incidents</h2><ul>${incidents}</ul>` : '') + '</body></html>\n';
}

const NOT_FOUND_HTML = '<!doctype html><html><head><title>Not Found</title></head><body><h1>Not Found</h1></body></html>\n';

export function statusReply(pathname: string, ctx: StatusContext): Reply {
  const cache = { 'cache-control': 'no-cache' };
  if (pathname === '/' || pathname === '/en' || pathname === '/en/') return htmlReply(200, statusHtml(ctx), cache);
  if (pathname.startsWith('/api/v2/')) {
    if (ctx.format === 'betterstack') return htmlReply(302, '', { location: '/' });
    const body = statuspageBody(pathname, ctx.model, ctx.url);
    return body === null ? jsonReply(404, { error: 'Not found' }) : jsonReply(200, body, cache);
  }
  if (pathname === '/en/index.json' || pathname === '/index.json') {
    if (ctx.format === 'statuspage') return htmlReply(404, NOT_FOUND_HTML);
    return jsonReply(200, betterStackIndex(ctx.model, ctx.host, ctx.startedAt), cache);
  }
  return htmlReply(404, NOT_FOUND_HTML);
}
