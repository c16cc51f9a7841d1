/** Result shape shared by the two-sample hypothesis tests. */

/** A test statistic with its p-value. */
export interface TestResult {
  readonly statistic: number;
  readonly pValue: number;
}
