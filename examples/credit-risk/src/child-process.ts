/** Starts a Node child that announces itself with a `{"event":"listening","url":…}` stdout line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface RunningChild {
  readonly url: string;
  readonly process: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const STDERR_TAIL_CHARS = 4096;

function lastLines(text: string, count: number): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-count)
    .map((line) => `  ${line}`)
    .join('\n');
}

export function startChild(
  name: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  timeoutMs = 90_000,
): Promise<RunningChild> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stderr.pipe(log, { end: false });
  // The end of stderr says why a child died before it started (a locked data directory…): the
  // error carries it, so the reader need not open the log.
  let stderrTail = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const stop = async (graceMs = 20_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      log.end();
      return code;
    }
    log.end();
    return child.exitCode;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(1000);
      reject(new Error(`${name} did not start within ${timeoutMs} ms (see ${logFile})`));
    }, timeoutMs);
    let announced = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!announced && line.startsWith('{"event":"listening"')) {
        announced = true;
        clearTimeout(timer);
        resolve({ url: (JSON.parse(line) as { url: string }).url, process: child, stop });
        return;
      }
      log.write(`${line}\n`);
    });
    // 'close', not 'exit': stderr is read to its end by then.
    child.once('close', (code) => {
      if (!announced) {
        clearTimeout(timer);
        const why = lastLines(stderrTail, 3);
        reject(
          new Error(
            `${name} exited with code ${code} before it started (see ${logFile})${why ? `:\n${why}` : ''}`,
          ),
        );
      }
    });
  });
}
