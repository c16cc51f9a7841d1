/**
 * The sockets of one kafkajs producer, for the transport to close itself. kafkajs 2.2.4 does not
 * let go of a broker that accepts connections and never answers (a frozen broker, a proxy with no
 * live backend): it ends a connection with `socket.end()`, a half-close that keeps the socket and
 * its file descriptor until the broker closes its side, which such a broker never does; and its
 * `disconnect()` can wait for ever (its request queue stops timing requests out once it is
 * disconnecting). The transport replaces its producer after a failed send: one socket per failure.
 */
import type { Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { unrefSocketFactory } from './kafkajs-idle.js';

export class KafkaSockets {
  readonly #open = new Set<Socket>();
  #closed = false;
  // Why new connections are refused: kafkajs reports it as the reason it could not connect.
  #refusal = 'connection closed by the driftwatch transport';
  #lastError: Error | undefined;

  /**
   * @param onAllLost called when the last open socket closes by itself (the broker went away, or
   * closed the idle connections), not when `close()` closes them.
   */
  constructor(private readonly onAllLost: () => void = () => undefined) {}

  /** kafkajs's `socketFactory`; once closed it refuses to connect (a connection error to kafkajs). */
  readonly factory: ISocketFactory = (options) => {
    if (this.#closed) throw new Error(this.#refusal);
    const socket = unrefSocketFactory(options);
    this.#open.add(socket);
    socket.once('error', (error) => {
      this.#lastError = error;
    });
    // A connection made since: an older error no longer says why the connections closed.
    socket.once('connect', () => {
      this.#lastError = undefined;
    });
    socket.once('close', () => {
      if (!this.#open.delete(socket)) return;
      if (this.#open.size === 0 && !this.#closed) this.onAllLost();
    });
    return socket;
  };

  /** The latest error a socket of this producer met (ECONNRESET when the broker died). */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /**
   * Destroys every socket and refuses new ones. With `error`, kafkajs learns of it: it fails the
   * requests on them at once and closes its connections, then retries on ref'd timers until its
   * retries are spent (this generation refuses to connect). Without, kafkajs is not told: nothing
   * of it holds the process (its request timeouts are unref'd, see kafkajs-idle.ts).
   */
  close(error?: Error): void {
    this.#closed = true;
    if (error) this.#refusal = error.message;
    for (const socket of this.#open) socket.destroy(error);
    this.#open.clear();
  }
}
