/** Parses `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` lines. */

/** The fields queried, in order (the `--query-gpu` argument). */
export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
] as const;

export interface GpuSample {
  readonly index: string;
  readonly uuid: string;
  readonly name: string;
  /** 0–1; undefined when the device does not report it ("[N/A]"). */
  readonly utilization: number | undefined;
  readonly memoryUsedBytes: number | undefined;
  readonly memoryTotalBytes: number | undefined;
  readonly temperatureCelsius: number | undefined;
  readonly powerWatts: number | undefined;
}

const MIB = 1024 * 1024;

// nvidia-smi prints plain decimals; `Number()` alone would also take `0x10`, `1e3` or `-5`.
const DECIMAL = /^\d+(?:\.\d+)?$/;

/** A field's value, or undefined for one no device reports ("[N/A]", negative, hex). */
function numberOf(text: string | undefined, max = Infinity): number | undefined {
  if (text === undefined || !DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return value <= max ? value : undefined;
}

/**
 * One CSV line → a sample, or undefined for a line that is not a device row (no index or uuid).
 * A value no device reports (a negative number, utilization over 100 %) is left out, not the row.
 */
export function parseGpuLine(line: string): GpuSample | undefined {
  const parts = line.split(',').map((part) => part.trim());
  if (parts.length < GPU_QUERY_FIELDS.length) return undefined;
  // A device name may hold commas: the name is everything between uuid and the last 5 numbers.
  const tail = parts.slice(-5);
  const [index, uuid] = parts;
  const name = parts.slice(2, parts.length - 5).join(', ');
  if (index === undefined || !uuid || !/^\d+$/.test(index)) return undefined;
  const [utilizationText, usedText, totalText, temperatureText, powerText] = tail;
  const utilization = numberOf(utilizationText, 100);
  const used = numberOf(usedText);
  const total = numberOf(totalText);
  const temperature = numberOf(temperatureText);
  const power = numberOf(powerText);
  return {
    index,
    uuid,
    name,
    utilization: utilization === undefined ? undefined : utilization / 100,
    memoryUsedBytes: used === undefined ? undefined : used * MIB,
    memoryTotalBytes: total === undefined ? undefined : total * MIB,
    temperatureCelsius: temperature,
    powerWatts: power,
  };
}
