/**
 * Test helper: an export pipeline on its own (no monitor), from options as `init` takes them,
 * sending to `transport`, its diagnostics captured.
 */
import { createDiagnostics } from '../../src/logs/diagnostics.js';
import { resolveOptions, type DriftwatchOptions } from '../../src/options.js';
import { ExportPipeline, type PipelineConfig } from '../../src/pipeline/export-pipeline.js';
import type { Transport } from '../../src/transport/transport.js';
import { captureLogs, type LogCapture } from './log-capture.js';

export function testPipeline(
  options: DriftwatchOptions,
  transport: Transport | Promise<Transport>,
  converters?: PipelineConfig['converters'],
): { pipeline: ExportPipeline; diagnostics: LogCapture } {
  const resolved = resolveOptions(options, {});
  const diagnostics = captureLogs();
  const pipeline = new ExportPipeline({
    queue: resolved.queue,
    batch: resolved.batch,
    retry: resolved.retry,
    resource: { 'service.name': 'svc' },
    diagnostics: createDiagnostics('info', diagnostics.destination),
    ...(converters ? { converters } : {}),
  });
  pipeline.setTransport(transport);
  return { pipeline, diagnostics };
}
