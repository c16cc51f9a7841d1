import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectorErrorCodes } from '../../src/errors.js';
import { loadMigrations, migrate, MIGRATIONS_DIR } from '../../src/storage/migrate.js';
import type { Storage } from '../../src/storage/open-storage.js';
import { count, openTempStorage } from '../helpers/temp-storage.js';

describe('migrations on embedded ClickHouse (chDB)', () => {
  let storage: Storage;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ storage, dispose } = await openTempStorage('dw_migrate'));
  });
  afterAll(async () => dispose());

  it('applies every shipped migration once and records it', async () => {
    const shipped = loadMigrations().map((m) => m.version);
    expect(shipped.length).toBeGreaterThanOrEqual(3);
    const first = await migrate(storage);
    expect(first.applied).toEqual(shipped);
    expect(first.skipped).toEqual([]);
    expect(await count(storage, 'schema_migrations')).toBe(shipped.length);
    for (const table of [
      'predictions',
      'labels',
      'otel_logs',
      'otel_traces',
      'otel_metrics',
      'drift_results',
      'performance_results',
    ]) {
      expect(await count(storage, table)).toBe(0);
    }
  });

  it('applies nothing on a second start', async () => {
    const second = await migrate(storage);
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(loadMigrations().map((m) => m.version));
    expect(await count(storage, 'schema_migrations')).toBe(loadMigrations().length);
  });

  it('refuses a migration edited after it was applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-migrations-'));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      const [first] = loadMigrations(dir);
      writeFileSync(
        join(dir, `${String(first!.version).padStart(4, '0')}_${first!.name}.sql`),
        `${first!.sql}\n-- edited\n`,
      );
      await expect(migrate(storage, loadMigrations(dir))).rejects.toMatchObject({
        code: CollectorErrorCodes.MIGRATION_FAILED,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies a new migration added later, and only it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-migrations-'));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      writeFileSync(
        join(dir, '0999_extra_table.sql'),
        'CREATE TABLE IF NOT EXISTS `{database}`.extra (a UInt8) ENGINE = MergeTree ORDER BY a;\n',
      );
      const report = await migrate(storage, loadMigrations(dir));
      expect(report.applied).toEqual([999]);
      expect(await count(storage, 'extra')).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with MIGRATION_FAILED naming the ledger when another tool made a table of its name', async () => {
    // golang-migrate's ledger, as a database shared with other tools may already hold.
    await storage.client.command({ query: 'CREATE DATABASE dw_shared' });
    const shared: Storage = {
      ...storage,
      database: 'dw_shared',
      table: (name) => `\`dw_shared\`.\`${name}\``,
    };
    await shared.client.command({
      query: `CREATE TABLE ${shared.table('schema_migrations')} (version Int64, dirty UInt8) ENGINE = MergeTree ORDER BY version`,
    });
    const failure = (await migrate(shared).catch((error: unknown) => error)) as Error & {
      code?: string;
    };
    expect(failure.code).toBe(CollectorErrorCodes.MIGRATION_FAILED);
    expect(failure.message).toContain('`dw_shared`.`schema_migrations`');
    expect(failure.message).toContain('checksum');
  });
});
