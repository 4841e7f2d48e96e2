// Plain-HTTP loopback peer whose behaviour each test scripts via the handler.
import http from 'node:http';
import { listenLoopback } from './tcp-peers.js';

export interface HttpPeer {
  port: number;
  /** Base URL without trailing slash, e.g. "http://127.0.0.1:40123". */
  url: string;
  /** Requests received so far (lets tests assert retries / no-retry). */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startHttpServer(handler: http.RequestListener): Promise<HttpPeer> {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    handler(req, res);
  });
  const port = await listenLoopback(server);
  let closed: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    // closeAllConnections() also kills keep-alive and stalled responses
    // (e.g. a handler that never ends), which server.close() alone waits on.
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
