/**
 * Versioned SQL migrations (collector/migrations/NNNN_name.sql), applied in order at start-up
 * and recorded in `schema_migrations` with a checksum: a second start applies nothing, and an
 * edited migration that was already applied is refused rather than silently ignored.
 * In the files, `{database}` stands for the configured database; statements end with `;`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CollectorError, CollectorErrorCodes } from '../errors.js';
import type { Storage } from './open-storage.js';

/** Where the shipped migrations live (next to dist/ and src/ in the package). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationReport {
  /** Versions applied by this call, in order. */
  readonly applied: number[];
  /** Versions that were already recorded. */
  readonly skipped: number[];
}

/** Reads `NNNN_name.sql` files in version order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        version: Number(file.slice(0, 4)),
        name: file.slice(5, -4),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/** Splits a migration into statements, dropping `--` comment lines. */
function statements(sql: string, database: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(';')
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0)
    .map((statement) => statement.replaceAll('{database}', database));
}

/**
 * A step on the ledger itself. Its failure is MIGRATION_FAILED naming the ledger: ClickHouse's own
 * error (code "47", "Unknown expression identifier `checksum`") left a table of that name made by
 * another tool (golang-migrate's `schema_migrations`, in a shared database) unexplained.
 */
async function ledgerStep<T>(
  ledger: string,
  what: string,
  step: () => Promise<T>,
  hint = '',
): Promise<T> {
  try {
    return await step();
  } catch (cause) {
    throw new CollectorError(
      CollectorErrorCodes.MIGRATION_FAILED,
      `cannot ${what} the migration ledger ${ledger}${hint}: ${(cause as Error).message}`,
      { ledger },
      { cause },
    );
  }
}

export async function migrate(
  storage: Storage,
  migrations: Migration[] = loadMigrations(),
): Promise<MigrationReport> {
  const { client } = storage;
  const ledger = storage.table('schema_migrations');
  await ledgerStep(ledger, 'create', () =>
    client.command({
      query: `CREATE TABLE IF NOT EXISTS ${ledger}
      (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
      ENGINE = MergeTree ORDER BY version`,
    }),
  );
  const rows = await ledgerStep(
    ledger,
    'read',
    async () => {
      const result = await client.query({
        query: `SELECT version, checksum FROM ${ledger}`,
        format: 'JSONEachRow',
      });
      return result.json<{ version: number; checksum: string }>();
    },
    ' (a table of that name made by another tool? give Driftwatch its own storage.database)',
  );
  const recorded = new Map(rows.map((r) => [Number(r.version), r.checksum]));

  const applied: number[] = [];
  const skipped: number[] = [];
  for (const migration of migrations) {
    const checksum = recorded.get(migration.version);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new CollectorError(
          CollectorErrorCodes.MIGRATION_FAILED,
          `migration ${migration.version}_${migration.name} was edited after it was applied (checksum differs); add a new migration instead`,
          { version: migration.version },
        );
      }
      skipped.push(migration.version);
      continue;
    }
    for (const statement of statements(migration.sql, storage.database)) {
      try {
        await client.command({ query: statement });
      } catch (cause) {
        throw new CollectorError(
          CollectorErrorCodes.MIGRATION_FAILED,
          `migration ${migration.version}_${migration.name} failed: ${(cause as Error).message}`,
          { version: migration.version, statement },
          { cause },
        );
      }
    }
    await ledgerStep(ledger, `record ${migration.version}_${migration.name} in`, () =>
      client.insert({
        table: ledger,
        values: [
          { version: migration.version, name: migration.name, checksum: migration.checksum },
        ],
        format: 'JSONEachRow',
      }),
    );
    applied.push(migration.version);
  }
  return { applied, skipped };
}
