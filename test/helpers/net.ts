/** Loopback ports for the tests' servers and brokers. */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface TcpRelay {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A TCP relay listening on `host` (e.g. `::1`) that forwards each connection to 127.0.0.1:`port`:
 * an IPv6 listener in front of a broker (Mokapi) that listens on IPv4 only.
 */
export async function startTcpRelay(host: string, port: number): Promise<TcpRelay> {
  const open = new Set<Socket>();
  const relay = createServer((client) => {
    open.add(client);
    const upstream = connect({ host: '127.0.0.1', port });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.once('close', () => open.delete(client));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(0, host, resolve);
  });
  return {
    port: (relay.address() as AddressInfo).port,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    },
  };
}
