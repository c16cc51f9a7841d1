#!/usr/bin/env node
/** `driftwatch` CLI: run the collector, apply migrations, or print a report. */
import { Command, Option } from 'commander';
import { startCollector } from './app.js';
import { migrate } from './storage/migrate.js';
import { openStorage } from './storage/open-storage.js';
import { resolveCollectorOptions, type CollectorOptionsInput } from './options.js';

interface CommonFlags {
  config?: string;
  clickhouseUrl?: string;
  chdbPath?: string;
  database?: string;
}

interface ServeFlags extends CommonFlags {
  host?: string;
  port?: string;
  kafkaBrokers?: string;
  kafkaGroupId?: string;
}

function optionsFrom(flags: ServeFlags): CollectorOptionsInput {
  const kafka = {
    ...(flags.kafkaBrokers ? { brokers: flags.kafkaBrokers } : {}),
    ...(flags.kafkaGroupId ? { groupId: flags.kafkaGroupId } : {}),
  };
  return {
    ...(flags.config ? { configFile: flags.config } : {}),
    ...(flags.host ? { host: flags.host } : {}),
    // As typed: `--port abc` is refused naming "abc", `--port ""` is not a free port.
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    storage: {
      ...(flags.clickhouseUrl ? { url: flags.clickhouseUrl } : {}),
      ...(flags.chdbPath ? { chdbPath: flags.chdbPath } : {}),
      ...(flags.database ? { database: flags.database } : {}),
    },
    ...(Object.keys(kafka).length > 0 ? { kafka } : {}),
  };
}

const storageFlags = (command: Command) =>
  command
    .addOption(new Option('--config <file>', 'JSON config file').env('DRIFTWATCH_CONFIG'))
    .option('--clickhouse-url <url>', 'ClickHouse server URL (default: embedded chDB)')
    .option('--chdb-path <dir>', 'embedded ClickHouse data directory')
    .option('--database <name>', 'ClickHouse database');

const program = new Command('driftwatch').description('Driftwatch collector').showHelpAfterError();

storageFlags(
  program.command('serve').description('run the collector (HTTP ingest, Kafka source + API)'),
)
  .option('--host <host>', 'listen address')
  .option('--port <port>', 'listen port (0 = any free port)')
  .option(
    '--kafka-brokers <list>',
    'consume the SDK topics from these brokers (host:port,...; env DRIFTWATCH_KAFKA_BROKERS)',
  )
  .option('--kafka-group-id <id>', 'Kafka consumer group (env DRIFTWATCH_KAFKA_GROUP_ID)')
  .action(async (flags: ServeFlags) => {
    const collector = await startCollector(optionsFrom(flags));
    const { storage } = collector;
    // One machine-readable line for scripts that start the collector (the demo reads it).
    process.stdout.write(
      `${JSON.stringify({ event: 'listening', url: collector.url, storage: storage.kind, migrationsApplied: collector.migrations.applied, kafka: collector.options.kafka ? { brokers: collector.options.kafka.brokers, groupId: collector.options.kafka.groupId } : null })}\n`,
    );
    const stop = () => {
      collector.app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });

storageFlags(program.command('migrate').description('apply pending migrations and exit')).action(
  async (flags: CommonFlags) => {
    const options = resolveCollectorOptions(optionsFrom(flags));
    const storage = await openStorage(options.storage);
    try {
      const report = await migrate(storage);
      process.stdout.write(
        `applied: [${report.applied.join(', ')}] already applied: [${report.skipped.join(', ')}]\n`,
      );
    } finally {
      await storage.close();
    }
  },
);

program.parseAsync().catch((error: unknown) => {
  const err = error as Error & { code?: string };
  process.stderr.write(`driftwatch: ${err.code ? `${err.code}: ` : ''}${err.message}\n`);
  process.exit(1);
});
