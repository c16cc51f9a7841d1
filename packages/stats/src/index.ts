export { StatsError, StatsErrorCodes } from './errors.js';
export type { StatsErrorCode } from './errors.js';
export type { NumericInput } from './validate-input.js';

// --- two-sample tests and distribution distances (section A) ---
export { ks2samp } from './two-sample/ks-2samp.js';
export type { TestResult } from './two-sample/test-result.js';
export { energyDistance, wassersteinDistance } from './two-sample/cdf-distance.js';
export { cramerVonMises2samp } from './two-sample/cramer-von-mises.js';
export { andersonDarlingKsamp } from './two-sample/anderson-ksamp.js';
export { mannWhitneyU } from './two-sample/mann-whitney.js';
export type { MannWhitneyAlternative, MannWhitneyOptions } from './two-sample/mann-whitney.js';
export { welchTTest } from './two-sample/welch-t-test.js';
export type { WelchTTestResult } from './two-sample/welch-t-test.js';
export { eppsSingleton } from './two-sample/epps-singleton.js';
export { chiSquare, gTest } from './distribution/chi-square.js';
export type { ChiSquareOptions, ChiSquareResult } from './distribution/chi-square.js';
export { zTestProportions } from './distribution/z-test-proportions.js';
export type { ZTestResult } from './distribution/z-test-proportions.js';
export { fisherExact2x2 } from './distribution/fisher-exact.js';
export type { FisherExactResult } from './distribution/fisher-exact.js';
export { jensenShannonDistance } from './distribution/jensen-shannon.js';
export { klDivergence } from './distribution/kl-divergence.js';
export { hellingerDistance } from './distribution/hellinger.js';
export { psi } from './distribution/psi.js';
export { totalVariationDistance } from './distribution/total-variation.js';

// --- model metrics, column drift, dataset drift, corrections (section B) ---
export { rocAuc } from './metrics/roc-auc.js';
export { averagePrecision } from './metrics/average-precision.js';
export type { BinaryLabels } from './metrics/binary-input.js';
export { confusionMatrix } from './metrics/confusion-matrix.js';
export type { ConfusionMatrix } from './metrics/confusion-matrix.js';
export { accuracy } from './metrics/accuracy.js';
export { precisionRecallF1 } from './metrics/precision-recall-f1.js';
export type { PrecisionRecallF1 } from './metrics/precision-recall-f1.js';
export { specificity } from './metrics/specificity.js';
export { matthewsCorrcoef } from './metrics/matthews-corrcoef.js';
export { logLoss } from './metrics/log-loss.js';
export type { LogLossOptions } from './metrics/log-loss.js';
export { brierScore } from './metrics/brier-score.js';
export { expectedCalibrationError } from './metrics/calibration-error.js';
export type {
  CalibrationOptions,
  CalibrationResult,
  ReliabilityBin,
} from './metrics/calibration-error.js';
export { mae, mape, rmse } from './metrics/regression-errors.js';
export { r2 } from './metrics/r2-score.js';
export { columnDrift } from './drift/column-drift.js';
export type { ColumnDriftOptions, ColumnDriftResult } from './drift/column-drift.js';
export { columnDriftMany } from './drift/column-drift-many.js';
export type { ColumnDriftManyOptions, DriftColumn } from './drift/column-drift-many.js';
export type { CategoryValue, ColumnType, ColumnValues } from './drift/column-data.js';
export { DRIFT_METHODS, DRIFT_METHOD_INFO } from './drift/drift-methods.js';
export type { DriftMethod, DriftMethodInfo, DriftRule } from './drift/drift-methods.js';
export { datasetDrift } from './drift/dataset-drift.js';
export type { DatasetDriftOptions, DatasetDriftResult } from './drift/dataset-drift.js';
export { benjaminiHochberg, bonferroni } from './drift/multiple-testing.js';

// --- sketches and change detectors (section C) ---
export { KllSketch } from './sketch/kll-sketch.js';
export type { SortedView } from './sketch/kll-math.js';
export { FrequentItemsSketch } from './sketch/frequent-items-sketch.js';
export type { FrequentItem } from './sketch/frequent-items-sketch.js';
export {
  FREQUENT_ITEMS_DEFAULT_CAPACITY,
  KLL_DEFAULT_K,
  resolveFrequentItemsSketchOptions,
  resolveKllSketchOptions,
} from './sketch/options.js';
export type {
  FrequentItemsSketchOptions,
  KllSketchOptions,
  ResolvedFrequentItemsSketchOptions,
  ResolvedKllSketchOptions,
} from './sketch/options.js';
export {
  sketchBinnedShares,
  sketchHellinger,
  sketchJensenShannon,
  sketchKs,
  sketchPsi,
  sketchWasserstein,
} from './sketch/sketch-drift.js';
export type { SketchBinningOptions, SketchKsResult } from './sketch/sketch-drift.js';
export {
  categorySketchShares,
  sketchCategoryHellinger,
  sketchCategoryJensenShannon,
  sketchCategoryPsi,
} from './sketch/category-sketch-drift.js';
export { ADWIN } from './detectors/adwin.js';
export { DDM } from './detectors/ddm.js';
export { EDDM } from './detectors/eddm.js';
export { HDDM_A } from './detectors/hddm-a.js';
export { KSWIN } from './detectors/kswin.js';
export { PageHinkley } from './detectors/page-hinkley.js';
export type { ChangeDetector, DriftSignal } from './detectors/types.js';
export type {
  AdwinOptions,
  DdmOptions,
  EddmOptions,
  HddmAOptions,
  KswinOptions,
  PageHinkleyMode,
  PageHinkleyOptions,
} from './detectors/options.js';
