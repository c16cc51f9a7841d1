/** The Prometheus endpoint's own HTTP server (unref'd: it never keeps the process alive). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Diagnostics } from '../logs/diagnostics.js';

export interface MetricsServer {
  /** Resolves with the bound address once listening, or undefined when it could not listen. */
  readonly address: Promise<{ host: string; port: number } | undefined>;
  close(): Promise<void>;
}

/**
 * The request's path, percent-decoded: a client may encode characters the route holds as they
 * are (Prometheus, through Go's url.URL, sends `!'()*` as `%21%27%28%29%2A`). Undefined when it
 * does not decode.
 */
function pathOf(url: string | undefined): string | undefined {
  const raw = (url ?? '/').split('?')[0] as string;
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export function startMetricsServer(config: {
  readonly host: string;
  readonly port: number;
  readonly route: string;
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  readonly diagnostics: Diagnostics;
}): MetricsServer {
  const server: Server = createServer((request, response) => {
    const path = pathOf(request.url);
    if (path === config.route && (request.method === 'GET' || request.method === 'HEAD')) {
      config.handler(request, response);
      return;
    }
    response.statusCode = 404;
    response.end('not found\n');
  });
  // A scraper's keep-alive connection must not keep a host that is done from exiting.
  server.on('connection', (socket) => socket.unref());
  let listening = false;
  const address = new Promise<{ host: string; port: number } | undefined>((resolve) => {
    // Kept for the server's whole life: an 'error' after listening (an accept that failed for
    // want of descriptors) with no listener left would be thrown into the host and end it.
    server.on('error', (error) => {
      if (listening) {
        config.diagnostics.error({ err: error }, `driftwatch: metrics endpoint: ${error.message}`);
        return;
      }
      config.diagnostics.error(
        { err: error },
        `driftwatch: metrics endpoint could not listen on ${config.host}:${config.port}: ${error.message}`,
      );
      resolve(undefined);
    });
    server.listen(config.port, config.host, () => {
      listening = true;
      const bound = server.address() as AddressInfo;
      resolve({ host: bound.address, port: bound.port });
    });
  });
  server.unref();
  return {
    address,
    // Binding is asynchronous (the host is looked up first): a close that came before it ends
    // waits for it, or the server would bind afterwards and hold the port for good.
    close: async () => {
      await address;
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
