/** One benchmark figure beside its same-run baseline. */
export interface BenchResult {
  name: string;
  ours: number;
  baseline: number | null;
  /**
   * ours / baseline for throughput units (higher is better); for `MB` (peak RSS) the ratio is
   * against the target, so a ratio <= 1 meets it.
   */
  ratio: number | null;
  unit: string;
  /** The target the issue set, e.g. `'>= 1.8'` or `'<= 150 MB'`. */
  target?: string;
  note?: string;
}

const marker = 'BENCH_RESULT ';

/** Prints a result on stdout for `bench/run.ts` to collect. Each bench file is its own process. */
export function emit(result: BenchResult): void {
  process.stdout.write(`${marker}${JSON.stringify(result)}\n`);
}

/** Parses the results a bench process printed. */
export function parseResults(stdout: string): BenchResult[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(marker))
    .map((line) => JSON.parse(line.slice(marker.length)) as BenchResult);
}

/** Runs `fn` and returns its wall time in seconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Emits a peak-RSS figure against the issues' 150 MB target (ratio <= 1 meets it). */
export function emitPeakRss(name: string, peakMb: number): void {
  emit({
    name,
    ours: peakMb,
    baseline: null,
    ratio: Math.round((peakMb / 150) * 100) / 100,
    unit: 'MB',
    target: '<= 150 MB',
  });
}
