/**
 * A process that takes the data directory lock when told to, for the takeover race test: it reads commands on stdin, one per line,
 * and answers each on stdout. `go <epoch ms>` waits (spinning) until that instant, so that two workers try at the same moment, then
 * answers `acquired` or `refused`; `release` releases what it holds and answers `released`.
 */
import { createInterface } from 'node:readline';
import { DataDirInUseError, type DataDirLock, lockDataDir } from '../../src/adapters/pglite/data-dir-lock.js';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: lock-race-worker <data dir>');
let held: DataDirLock | undefined;

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, at] = line.split(' ');
  if (command === 'go') {
    const start = Number(at);
    while (performance.timeOrigin + performance.now() < start) {
      // Spin, to the microsecond: a timer would wake each worker at its own moment.
    }
    try {
      held = lockDataDir(dataDir);
      process.stdout.write('acquired\n');
    } catch (error) {
      process.stdout.write(error instanceof DataDirInUseError ? 'refused\n' : `failed ${String(error)}\n`);
    }
  } else if (command === 'release') {
    held?.release();
    held = undefined;
    process.stdout.write('released\n');
  }
});
process.stdout.write('ready\n');
