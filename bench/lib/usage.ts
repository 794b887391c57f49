import { performance } from 'node:perf_hooks';

/** CPU and memory of one measured run in this process, from {@link trackUsage}. */
export interface Usage {
  /** Peak RSS, MB. */
  peakMb: number;
  /** RSS when the run started, MB: what the process still held from before. */
  startMb: number;
  cpuSeconds: number;
  /** How long the event loop sat idle: waiting for I/O (here, for the upload). */
  idleSeconds: number;
  /** Peak heap in use, MB. */
  heapMb: number;
  /** Peak ArrayBuffer memory, MB. */
  arrayBuffersMb: number;
}

/**
 * Samples RSS, heap and ArrayBuffer memory every 20 ms; `stop()` reports their peaks, the CPU
 * seconds this process spent meanwhile and how long its event loop sat idle.
 */
export function trackUsage(): { stop(): Usage } {
  let rss = 0;
  let heap = 0;
  let arrayBuffers = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    rss = Math.max(rss, usage.rss);
    heap = Math.max(heap, usage.heapUsed);
    arrayBuffers = Math.max(arrayBuffers, usage.arrayBuffers);
  };
  sample();
  const start = rss;
  const timer = setInterval(sample, 20);
  const cpuStart = process.cpuUsage();
  const loopStart = performance.eventLoopUtilization();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const cpu = process.cpuUsage(cpuStart);
      const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
      return {
        peakMb: mb(rss),
        startMb: mb(start),
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        idleSeconds: performance.eventLoopUtilization(loopStart).idle / 1000,
        heapMb: mb(heap),
        arrayBuffersMb: mb(arrayBuffers),
      };
    },
  };
}
