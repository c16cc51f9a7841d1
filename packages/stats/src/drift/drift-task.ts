/** Messages between columnDriftMany and its worker threads. */
import type { ColumnValues } from './column-data.js';
import type { ColumnDriftOptions, ColumnDriftResult } from './column-drift.js';

export interface DriftTask {
  readonly id: number;
  readonly reference: ColumnValues;
  readonly current: ColumnValues;
  readonly options: ColumnDriftOptions;
}

export type DriftTaskReply =
  | { readonly id: number; readonly result: ColumnDriftResult }
  | { readonly id: number; readonly failed: true };
