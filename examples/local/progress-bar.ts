import type { JobProgress } from '@exportkit/core';

/** Draws one line on stderr: a bar when the total is known, else running counters. */
export function drawProgress(progress: JobProgress): void {
  const width = 30;
  const fraction = progress.fraction ?? 0;
  const filled = Math.round(fraction * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const eta = progress.etaMs === undefined ? '' : ` ETA ${(progress.etaMs / 1000).toFixed(1)}s`;
  const line = `  ${bar} ${(fraction * 100).toFixed(0).padStart(3)}%  ${progress.rows.toLocaleString('en-US')} rows  ${(progress.bytes / 1e6).toFixed(1)} MB  part ${progress.parts}${eta}`;
  process.stderr.write(`\r${line.padEnd(100)}`);
}

/** Finishes the progress line. */
export function endProgress(): void {
  process.stderr.write('\n');
}
