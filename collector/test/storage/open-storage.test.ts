/**
 * Opening storage fails with ClickHouse's reason, and never shows a server password: a second
 * collector on one chDB data directory, and a ClickHouse server that does not answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectorErrorCodes } from '../../src/errors.js';
import { openStorage } from '../../src/storage/open-storage.js';

const COLLECTOR_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Another process holding `dir` with embedded ClickHouse, as a second collector would. */
async function holdDataDirectory(dir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const { Session } = require('chdb');
       const session = new Session(process.argv[1]);
       session.query('SELECT 1');
       process.stdout.write('held\\n');
       process.stdin.on('end', () => { session.close(); process.exit(0); });
       process.stdin.resume();`,
      dir,
    ],
    { cwd: COLLECTOR_DIR, stdio: ['pipe', 'pipe', 'ignore'] },
  );
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(chunk.toString()).toBe('held\n');
  return child;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('opening storage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-chdb-held-'));
  let holder: ChildProcess;
  beforeAll(async () => {
    holder = await holdDataDirectory(dir);
  });
  afterAll(async () => {
    if (holder.exitCode === null) {
      holder.stdin!.end();
      await once(holder, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the lock and its holder when another process uses the chDB data directory', async () => {
    const opening = openStorage({
      chdbPath: dir,
      database: 'dw_held',
      username: 'default',
      password: '',
    });
    await expect(opening).rejects.toMatchObject({ code: CollectorErrorCodes.STORAGE_FAILED });
    const message = ((await opening.catch((error: unknown) => error)) as Error).message;
    expect(message).toContain(`cannot lock file ${join(dir, 'status')}`);
    expect(message).toContain('another server instance');
    expect(message).toContain(`PID ${holder.pid}`);
  });

  it('does not show the password of a server URL it cannot reach', async () => {
    const port = await closedPort();
    const opening = openStorage({
      url: `http://driftwatch:s3cret-pw@127.0.0.1:${port}`,
      chdbPath: dir,
      database: 'dw_server',
      username: 'default',
      password: '',
    });
    const error = (await opening.catch((failure: unknown) => failure)) as Error & { code: string };
    expect(error.code).toBe(CollectorErrorCodes.STORAGE_FAILED);
    expect(error.message).toContain(`http://driftwatch:***@127.0.0.1:${port}`);
    expect(error.message).not.toContain('s3cret-pw');
  });
});
