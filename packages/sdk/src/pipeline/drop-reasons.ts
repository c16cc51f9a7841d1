/** Why telemetry items were dropped; the `reason` attribute of `driftwatch_sdk_dropped_total`. */
export const DROP_REASONS = [
  'queue_full',
  'invalid',
  'rejected',
  'send_failed',
  'retry_exhausted',
  'too_large',
  'shutdown',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/** Counters of the export pipeline, read by the SDK health metrics and by tests. */
export interface PipelineStats {
  /** Items delivered (acknowledged by the destination). */
  sentItems: number;
  sentBatches: number;
  /** Failed send attempts (each retry counts). */
  exportErrors: number;
  dropped: Record<DropReason, number>;
}

export function emptyStats(): PipelineStats {
  const dropped = {} as Record<DropReason, number>;
  for (const reason of DROP_REASONS) dropped[reason] = 0;
  return { sentItems: 0, sentBatches: 0, exportErrors: 0, dropped };
}
