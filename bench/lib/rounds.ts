/**
 * How many times each measured pair (ours, then the baseline) runs, alternately. On this
 * 2-core machine one run of the same build swings by up to 2× (the S3 server, PostgreSQL and
 * the disk share the cores and the page cache with the worker), so a single pair can land far
 * on either side of the target; the median of alternating pairs is steadier, and the note of
 * each figure lists every round so the spread stays visible.
 */
export const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** `values` rounded to `digits` places and joined for a note: `2.4 / 2.9 / 2.6`. */
export function listed(values: readonly number[], digits = 1): string {
  return values.map((value) => value.toFixed(digits)).join(' / ');
}
