/** The scipy-timings.py `serve` process: times one scipy/sklearn function per request. */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface ScipyTiming {
  readonly seconds: number;
  readonly value: number;
}

export class ScipyServer {
  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, null>,
    private readonly lines: AsyncIterator<string>,
  ) {}

  /** Starts the helper and waits until it has loaded the samples. */
  static async start(python: string, args: readonly string[]): Promise<ScipyServer> {
    const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    const server = new ScipyServer(
      child,
      createInterface({ input: child.stdout })[Symbol.asyncIterator](),
    );
    await server.next();
    return server;
  }

  private async next(): Promise<string> {
    const line = await this.lines.next();
    if (line.done) throw new Error('scipy-timings.py exited early');
    return line.value;
  }

  /** Runs `name` once in the helper and returns its seconds and value. */
  async time(name: string): Promise<ScipyTiming> {
    this.child.stdin.write(`${name}\n`);
    return JSON.parse(await this.next()) as ScipyTiming;
  }

  close(): void {
    this.child.stdin.end();
  }
}
