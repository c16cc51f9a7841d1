/** Loopback ports for the tests' servers and brokers. */
import { readFileSync } from 'node:fs';
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

/** Whether a listener can bind 127.0.0.1:`port` now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The low end of the kernel's ephemeral port range (Linux), 32768 where it cannot be read. */
function ephemeralLow(): number {
  try {
    const low = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
    );
    return Number.isInteger(low) ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * A free loopback port below the kernel's ephemeral range, for a server that is stopped and
 * started again on it (a broker outage). A port from the range, once its listener is gone, can
 * be taken by any process as the local port of an outgoing connection or by a `listen(0)`: the
 * restarted server then cannot bind it, and a readiness check may reach someone else's listener.
 */
export async function freeStablePort(): Promise<number> {
  const low = ephemeralLow();
  const first = 10_000;
  if (low - first < 1000) return freePort();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = first + Math.floor(Math.random() * (low - first));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port between ${first} and ${low}`);
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
