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

function numberOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  return text.trim() === '' || !Number.isFinite(value) ? undefined : value;
}

/** One CSV line → a sample, or undefined for a line that is not a device row. */
export function parseGpuLine(line: string): GpuSample | undefined {
  const parts = line.split(',').map((part) => part.trim());
  if (parts.length < GPU_QUERY_FIELDS.length) return undefined;
  // A device name may hold commas: the name is everything between uuid and the last 5 numbers.
  const tail = parts.slice(-5);
  const [index, uuid] = parts;
  const name = parts.slice(2, parts.length - 5).join(', ');
  if (index === undefined || uuid === undefined || !/^\d+$/.test(index)) return undefined;
  const [utilization, used, total, temperature, power] = tail.map(numberOf);
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
