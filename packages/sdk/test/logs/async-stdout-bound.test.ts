/**
 * `logs.sync: false` writes stdout asynchronously: a pipe that no one reads (a stuck log shipper)
 * must not grow the host's memory for ever. Past 16 MiB waiting, lines are dropped there (still
 * exported), and the diagnostic log says so.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';

it('drops stdout lines past its bound when no one reads the pipe, and says so', async () => {
  const sdk = new URL('../../src/index.ts', import.meta.url).href;
  const code = `
    const { init } = await import(${JSON.stringify(sdk)});
    const monitor = init({ serviceName: 'stuck-stdout', transport: { type: 'memory' },
      logs: { sync: false, export: false }, metrics: { enabled: false } }, {});
    const line = 'x'.repeat(1000);
    for (let burst = 0; burst < 5; burst += 1) {
      for (let i = 0; i < 20000; i += 1) monitor.logger.info(line);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    globalThis.gc?.();
    process.stderr.write('heapMB=' + Math.round(process.memoryUsage().heapUsed / 2 ** 20) + '\\n');
  `;
  // stdout is a pipe this test never reads: 100 MB of lines are logged into it.
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const heapMb = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no heap report; stderr: ${stderr}`)), 60_000);
    child.stderr.on('data', () => {
      const match = /heapMB=(\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  // pino flushes synchronously at exit, into the full pipe: the child is ended here.
  child.kill('SIGKILL');
  expect(stderr).toContain('stdout is not being read');
  // 100 MB were logged; what waits is bounded at 16 MiB (held as strings: up to twice that).
  expect(heapMb).toBeLessThan(60);
}, 90_000);
