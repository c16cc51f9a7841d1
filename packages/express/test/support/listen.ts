/** Test helper: an Express app on a real HTTP server at an ephemeral port on 127.0.0.1. */
import { createServer, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface Listening {
  readonly baseUrl: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * `serverOptions`: Node's own (a `requestTimeout`, …) for the server the app runs on. Without
 * them the app listens itself (express-ws hooks `app.listen` to serve upgrades).
 */
export async function listen(app: Express, serverOptions?: ServerOptions): Promise<Listening> {
  const server = await new Promise<Server>((resolve) => {
    if (serverOptions === undefined) {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      return;
    }
    const created = createServer(serverOptions, app);
    created.listen(0, '127.0.0.1', () => resolve(created));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
