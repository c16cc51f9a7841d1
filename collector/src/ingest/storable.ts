/**
 * What the schema lets through but the tables cannot hold. A nanosecond time past 2106-02-07
 * fails the whole insert (otel_logs and otel_traces sort by `toUnixTimestamp(Timestamp)`, a
 * UInt32; DateTime64(9) itself ends in 2262), so every valid item of the batch was answered 503
 * and retried until the SDK dropped it (a millisecond time past 9999-12-31, which storage would
 * clamp, the schema itself refuses: MAX_TIME_UNIX_MS). A histogram count of 2^64 or more does not fit `UInt64` (Count, BucketCounts): from 1e21 on
 * (JSON's exponent form) it fails the whole insert, below that it wraps to another count. On the
 * Kafka source a failing insert is retried forever and holds its partition. Such an item is
 * rejected on its own, naming the field, like a schema issue.
 */
import type { Signal, SignalItem, ValidationIssue } from '@driftwatch/schema';

/** Last nanosecond of the last second a UInt32 Unix time holds: 2106-02-07T06:28:15.999999999Z. */
export const MAX_STORABLE_NANOS = 4_294_967_295_999_999_999n;

function nanosIssue(path: string, value: string | undefined): ValidationIssue | undefined {
  if (value === undefined || BigInt(value) <= MAX_STORABLE_NANOS) return undefined;
  return {
    path,
    message: `Expected nanoseconds the storage can hold (at most ${MAX_STORABLE_NANOS}, 2106-02-07T06:28:15.999999999Z); got "${value}"`,
  };
}

/** 2^64: the first count a `UInt64` column cannot hold (every double below it fits). */
export const MIN_UNSTORABLE_COUNT = 2 ** 64;

function countIssue(path: string, value: number): ValidationIssue | undefined {
  if (value < MIN_UNSTORABLE_COUNT) return undefined;
  return {
    path,
    message: `Expected a count the storage can hold (below 2^64, 18446744073709551616); got ${value}`,
  };
}

function present(issues: Array<ValidationIssue | undefined>): ValidationIssue[] {
  return issues.filter((issue): issue is ValidationIssue => issue !== undefined);
}

/** Issues of a schema-valid item that storage would refuse or alter; empty when it fits. */
export function storageIssues<S extends Signal>(signal: S, item: SignalItem[S]): ValidationIssue[] {
  switch (signal) {
    case 'logs': {
      const log = item as SignalItem['logs'];
      return present([
        nanosIssue('/timeUnixNano', log.timeUnixNano),
        nanosIssue('/observedTimeUnixNano', log.observedTimeUnixNano),
      ]);
    }
    case 'spans': {
      const span = item as SignalItem['spans'];
      return present([
        nanosIssue('/startTimeUnixNano', span.startTimeUnixNano),
        nanosIssue('/endTimeUnixNano', span.endTimeUnixNano),
        ...(span.events ?? []).map((event, i) =>
          nanosIssue(`/events/${i}/timeUnixNano`, event.timeUnixNano),
        ),
      ]);
    }
    case 'metrics': {
      const point = item as SignalItem['metrics'];
      const counts =
        point.type === 'histogram'
          ? [
              countIssue('/count', point.count),
              ...point.bucketCounts.map((count, i) => countIssue(`/bucketCounts/${i}`, count)),
            ]
          : [];
      return present([
        nanosIssue('/timeUnixNano', point.timeUnixNano),
        nanosIssue('/startTimeUnixNano', point.startTimeUnixNano),
        ...counts,
      ]);
    }
    default:
      return [];
  }
}
