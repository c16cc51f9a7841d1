/**
 * The sockets of one producer: the last one closing by itself is reported (the broker went away),
 * with the error it met; once closed, new connections are refused with the reason given, which is
 * what kafkajs then reports for a send still retrying on that producer.
 */
import { createServer, type Socket } from 'node:net';
import { expect, it } from 'vitest';
import type { ISocketFactoryArgs } from 'kafkajs';
import { KafkaSockets } from '../../src/transport/kafka-sockets.js';

/** What kafkajs passes for a plaintext broker: `ssl` unset (its type says it is always given). */
const plaintext = (port: number): ISocketFactoryArgs =>
  ({ host: '127.0.0.1', port, onConnect: () => undefined }) as unknown as ISocketFactoryArgs;

it('reports the loss of every socket with its error, then refuses with the reason given', async () => {
  const accepted: Socket[] = [];
  const server = createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  let lost = 0;
  const sockets = new KafkaSockets(() => {
    lost += 1;
  });
  const socket = sockets.factory(plaintext(port));
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  while (accepted.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  // events.once would reject on the ECONNRESET 'error' that comes first.
  const closed = new Promise((resolve) => socket.once('close', resolve));
  accepted[0]!.resetAndDestroy();
  await closed;
  server.close();
  expect(lost).toBe(1);
  expect(sockets.lastError?.message).toMatch(/ECONNRESET/);

  sockets.close(new Error('every connection to the broker closed'));
  expect(() => sockets.factory(plaintext(port))).toThrow('every connection to the broker closed');
});
