/**
 * Request/reply over Node's IPC channel between the bench driver and its child processes
 * (servers and the ingest sink): the child announces its port, then answers named requests.
 */
import { fork, type ChildProcess } from 'node:child_process';

interface Request {
  readonly id: number;
  readonly type: string;
}
type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };
interface Ready {
  readonly type: 'ready';
  readonly port: number;
}

type Handler = () => unknown;

function send(message: Reply | Ready): void {
  if (!process.send) throw new Error('not started with an IPC channel (use the bench driver)');
  process.send(message);
}

/** Child side: answers each request type with its handler's (awaited) value. */
export function serveRequests(port: number, handlers: Readonly<Record<string, Handler>>): void {
  process.on('message', (message: Request) => {
    const handler = handlers[message.type];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown request ${message.type}`);
        return handler();
      })
      .then(
        (value: unknown) => send({ id: message.id, ok: true, value }),
        (error: unknown) => send({ id: message.id, ok: false, error: String(error) }),
      );
  });
  send({ type: 'ready', port });
}

/** Driver side: one child process that listens on a port and answers requests. */
export class ChildService {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: Reply) => {
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`${name}: ${message.error}`));
    });
    child.on('exit', () => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`${name} exited`));
      this.waiting.clear();
    });
  }

  /** Forks `file` with `execArgv` and waits for its `ready` message. */
  static start(
    name: string,
    file: string,
    options: {
      args?: readonly string[];
      execArgv: readonly string[];
      env?: NodeJS.ProcessEnv;
      timeoutMs?: number;
    },
  ): Promise<ChildService> {
    const child = fork(file, [...(options.args ?? [])], {
      execArgv: [...options.execArgv],
      env: options.env ?? process.env,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${options.timeoutMs ?? 30_000} ms`));
      }, options.timeoutMs ?? 30_000);
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with code ${String(code)} before it was ready`));
      };
      child.once('exit', onExit);
      child.once('message', (message: Ready) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(new ChildService(name, child, message.port));
      });
    });
  }

  request<T>(type: string): Promise<T> {
    const id = this.nextId;
    this.nextId += 1;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, type } satisfies Request);
    });
  }

  /** Asks the child to stop (SIGTERM), then kills it when it lingers. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
