import { Bench } from 'tinybench';

/**
 * One measured operation: `batch` performs `perBatch` operations back to back, so tinybench's per-iteration timing overhead is
 * spread over many operations. Throughput is reported per operation.
 */
export interface BenchTask {
  readonly name: string;
  readonly perBatch: number;
  readonly batch: () => unknown;
}

export interface RoundOptions {
  /** How many times every task is measured, interleaved with the others, so a noisy neighbour hits all of them alike. */
  readonly rounds: number;
  /** Milliseconds each task runs per round. */
  readonly time: number;
  readonly warmupTime: number;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/**
 * Runs every task `rounds` times, round-robin, and returns for each the median over rounds of tinybench's median throughput
 * (operations per second). Tasks that are paired with a baseline are measured in the same rounds as the baseline.
 */
export const measureRounds = async (tasks: readonly BenchTask[], options: RoundOptions): Promise<Map<string, number>> => {
  const perRound = new Map<string, number[]>(tasks.map((task) => [task.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const bench = new Bench({ time: options.time, warmupTime: round === 0 ? options.warmupTime : options.warmupTime / 4, throws: true });
    // Rotate the order every round so no task is always the first (least warm) or the last (most fragmented heap).
    for (let index = 0; index < tasks.length; index += 1) {
      const task = tasks[(index + round) % tasks.length] as BenchTask;
      bench.add(task.name, task.batch);
    }
    await bench.run();
    for (const task of tasks) {
      const result = bench.getTask(task.name)?.result;
      const batchesPerSecond = result?.throughput.p50;
      if (batchesPerSecond === undefined) throw new Error(`benchmark task ${task.name} produced no result`);
      perRound.get(task.name)?.push(batchesPerSecond * task.perBatch);
    }
  }
  return new Map([...perRound].map(([name, values]) => [name, median(values)]));
};

export const forceGc = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc');
  gc();
  gc();
};
