/**
 * One send of a batch, bounded by the batch's retry deadline: a custom transport whose send never
 * settles, or an HTTP request whose `timeoutMs` is longer than the deadline, must not hold the
 * export loop (and every batch behind it) beyond what `retry.deadlineMs` promises.
 */
import { errorMessage } from '../errors.js';
import {
  transportName,
  type SendResult,
  type TelemetryBatch,
  type Transport,
} from '../transport/transport.js';
import { checkedResult } from './send-result.js';

/**
 * The reason a send's signal is aborted at its batch's deadline (not at shutdown): a transport
 * may then replace what hung (Kafka: its producer), which at shutdown it leaves to its own
 * shutdown().
 */
export class SendDeadlineError extends Error {
  override readonly name = 'SendDeadlineError';
}

export interface AttemptLimits {
  /** performance.now() by which the batch must be delivered (monotonic: see ExportPipeline). */
  readonly deadline: number;
  readonly deadlineMs: number;
  /** Shutdown's abort: passed on to the transport, which may still answer (with its counts). */
  readonly shutdown: AbortSignal;
  /** Aborted when shutdown has counted the batch: the wait for the send ends, its answer unread. */
  readonly abandon: AbortSignal;
  /** Whether the deadline's timer holds the process (a flush waits). */
  readonly keepAlive: boolean;
  /** Receives the deadline's timer while it runs (a later `flush()` refs it). */
  readonly onTimer: (timer: NodeJS.Timeout | undefined) => void;
}

export interface AttemptOutcome {
  /** The transport's answer, checked; a failure naming the deadline when it gave none in time. */
  readonly result: SendResult;
  /** The deadline passed during the attempt: a failure is not retried. */
  readonly timedOut: boolean;
}

/**
 * Sends `batch` once. At the deadline the transport's signal is aborted and it has one turn of the
 * event loop to answer (the built-in transports do, with what they delivered); one that ignores
 * the abort is no longer waited for, and its later answer, or rejection, is ignored.
 */
export async function sendWithin(
  transport: Transport,
  batch: TelemetryBatch,
  limits: AttemptLimits,
): Promise<AttemptOutcome> {
  const { shutdown, abandon } = limits;
  const attempt = new AbortController();
  const onShutdown = (): void => attempt.abort(shutdown.reason);
  shutdown.addEventListener('abort', onShutdown, { once: true });
  if (shutdown.aborted) onShutdown();
  let stopWaiting: () => void = () => undefined;
  const cutOff = new Promise<undefined>((resolve) => {
    stopWaiting = () => resolve(undefined);
  });
  abandon.addEventListener('abort', stopWaiting, { once: true });
  let timedOut = false;
  let grace: NodeJS.Immediate | undefined;
  const timer = setTimeout(
    () => {
      timedOut = true;
      attempt.abort(
        new SendDeadlineError(`no answer within retry.deadlineMs (${limits.deadlineMs} ms)`),
      );
      grace = setImmediate(stopWaiting);
    },
    Math.max(0, limits.deadline - performance.now()),
  );
  if (!limits.keepAlive) timer.unref();
  limits.onTimer(timer);
  try {
    const answer = await Promise.race([answerOf(transport, batch, attempt.signal), cutOff]);
    return {
      result: answer ?? {
        ok: false,
        retryable: true,
        error: new Error(
          `transport ${transportName(transport)} did not answer within retry.deadlineMs (${limits.deadlineMs} ms)`,
        ),
      },
      timedOut,
    };
  } finally {
    clearTimeout(timer);
    if (grace) clearImmediate(grace);
    limits.onTimer(undefined);
    shutdown.removeEventListener('abort', onShutdown);
    abandon.removeEventListener('abort', stopWaiting);
  }
}

/** The transport's answer, checked; a send that throws or rejects is a retryable failure. Never rejects. */
async function answerOf(
  transport: Transport,
  batch: TelemetryBatch,
  signal: AbortSignal,
): Promise<SendResult> {
  try {
    return checkedResult(transport, await transport.send(batch, signal), batch);
  } catch (error) {
    return {
      ok: false,
      retryable: true,
      error: error instanceof Error ? error : new Error(errorMessage(error)),
    };
  }
}
