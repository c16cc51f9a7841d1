/**
 * Log lines written together, once per turn of the event loop. A write to a file or a pipe is a
 * system call, and on a busy server the request line's own `write` was one of three system calls
 * per request (read the request, write the line, write the response): lines logged during one
 * turn (a burst of requests handled off one epoll wake-up) are joined and written in one call at
 * the end of that turn (`setImmediate`), so the delay is that turn, not a timer's. A line at
 * level error or above is written at once, with what precedes it; what is pending is written on
 * `flush`, on process exit (including after an uncaught exception), and whenever it reaches
 * MAX_PENDING_CHARS. Only byte-stream destinations get joined lines (see `joinsLines`): a custom
 * `{ write(line) }` object keeps pino's one-line-per-call contract.
 */
import { Writable } from 'node:stream';
import type { DestinationStream } from 'pino';

/** Written at once past this many pending characters: memory stays bounded under any burst. */
export const MAX_PENDING_CHARS = 64 * 1024;
/** pino's numeric level of `error`: lines at this level or above are not held. */
const ERROR_LEVEL = 50;
/** Asks pino to set `lastLevel` (and the rest of its metadata) before each write. */
const METADATA = Symbol.for('pino.metadata');

type FlushableDestination = DestinationStream & {
  /** SonicBoom's mode; false: it buffers and writes asynchronously. */
  sync?: boolean;
  flush?: (callback?: (error?: Error | null) => void) => void;
  flushSync?: () => void;
};

/**
 * Can `destination` take several lines in one write? pino.destination (SonicBoom, recognised by
 * its file descriptor and flushSync) and Node writable streams are byte streams; anything else may
 * parse each write as one line. pino.multistream routes each write by the level pino sets on it
 * just before (its metadata symbol), so it must see each line alone.
 */
export function joinsLines(destination: DestinationStream): boolean {
  const candidate = destination as FlushableDestination & {
    fd?: unknown;
    [key: symbol]: unknown;
  };
  if (candidate[METADATA] === true) return false;
  if (destination instanceof Writable) return true;
  return typeof candidate.fd === 'number' && typeof candidate.flushSync === 'function';
}

/** Writers with lines pending, written by the process exit hook. */
const open = new Set<TurnBatchedWrites>();
let exitHookInstalled = false;

function writeAllAtExit(): void {
  for (const writes of open) writes.writeAtExit();
}

export class TurnBatchedWrites implements DestinationStream {
  // pino's metadata: the level is read from here rather than from the line, whose text (a rope
  // of concatenated pieces) would be flattened into a copy just to read its first characters.
  // Lines the SDK writes itself (the completion line, at info) come without: reset after each.
  readonly [METADATA] = true;
  lastLevel = 0;
  lastMsg: unknown = undefined;
  lastObj: unknown = undefined;
  lastTime: unknown = undefined;
  lastLogger: unknown = undefined;
  private pending = '';
  private scheduled: NodeJS.Immediate | undefined;
  private readonly writeScheduled = (): void => {
    this.scheduled = undefined;
    this.writeNow();
  };

  constructor(
    private readonly out: FlushableDestination,
    /** Told when the destination throws; those lines are lost, the host is not disturbed. */
    private readonly onError: (error: unknown) => void,
  ) {
    open.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', writeAllAtExit);
    }
  }

  write(line: string): void {
    const level = this.lastLevel;
    this.lastLevel = 0;
    this.lastObj = undefined;
    this.pending += line;
    if (this.pending.length >= MAX_PENDING_CHARS || level >= ERROR_LEVEL) {
      this.writeNow();
    } else {
      this.scheduled ??= setImmediate(this.writeScheduled);
    }
  }

  /** Writes what is pending in one call to the destination. */
  writeNow(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    try {
      this.out.write(chunk);
    } catch (error) {
      this.onError(error);
    }
  }

  /** pino's `logger.flush(cb)`: writes what is pending, then flushes the destination. */
  flush(callback?: (error?: Error | null) => void): void {
    this.writeNow();
    if (typeof this.out.flush === 'function') this.out.flush(callback);
    else callback?.();
  }

  flushSync(): void {
    this.writeNow();
    this.out.flushSync?.();
  }

  /** At process exit: an asynchronous SonicBoom must also write out its own buffer now. */
  writeAtExit(): void {
    this.writeNow();
    const out = this.out;
    if (out.sync !== false || typeof out.flushSync !== 'function') return;
    try {
      out.flushSync();
    } catch (error) {
      this.onError(error);
    }
  }

  /** Writes what is pending and leaves the exit hook's list (monitor shutdown). */
  close(): void {
    this.writeNow();
    open.delete(this);
  }
}
