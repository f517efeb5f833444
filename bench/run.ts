/**
 * `npm run bench [-- --quick] [-- --out FILE] [-- --only inproc,scale,http,moto,postgres,sigv4,doors,dashboard,enforce]`: runs every section, prints one table
 * and writes the results (bench/results.json by default). See docs/performance.md for what each row means.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runDoors } from './doors.js';
import { runEnforcement, runEnforcementHttp } from './enforcement.js';
import { runHttp } from './http.js';
import { runInProcess } from './in-process.js';
import type { BenchResults, ResultRow } from './lib/results.js';
import { formatTable } from './lib/results.js';
import { runMoto } from './moto.js';
import { runPostgres } from './postgres.js';
import { runScale } from './scale.js';
import { runSigV4 } from './sigv4.js';
import { runDashboard } from './dashboard.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});
const quick = values.quick === true;
const out = values.out ?? join(dirname(fileURLToPath(import.meta.url)), 'results.json');
const sections = new Set((values.only ?? 'inproc,scale,http,moto,postgres,sigv4,doors,dashboard,enforce').split(','));
const log = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};

const rows: ResultRow[] = [];
const startedAt = new Date().toISOString();

if (sections.has('inproc')) {
  log('in-process engine');
  rows.push(
    ...(await runInProcess(
      quick
        ? { users: 100, perBatch: 20, rounds: 1, time: 40, warmupTime: 20 }
        : { users: 10_000, perBatch: 100, rounds: 7, time: 300, warmupTime: 300 },
    )),
  );
}
if (sections.has('enforce')) {
  log('enforcement');
  rows.push(
    ...(await runEnforcement(quick ? { perBatch: 20, rounds: 1, time: 40, warmupTime: 20 } : { perBatch: 100, rounds: 5, time: 300, warmupTime: 200 })),
    ...(await runEnforcementHttp(
      quick ? { perBatch: 20, concurrency: 4, rounds: 1, time: 100, warmupTime: 50 } : { perBatch: 200, concurrency: 10, rounds: 3, time: 1000, warmupTime: 300 },
    )),
  );
}
if (sections.has('scale')) {
  log('scale');
  rows.push(
    ...(await runScale(
      quick
        ? { sizes: [100, 1000], perBatch: 10, rounds: 1, time: 30, warmupTime: 10 }
        : { sizes: [1000, 100_000, 1_000_000], perBatch: 50, rounds: 7, time: 200, warmupTime: 200 },
    )),
  );
}
if (sections.has('http')) {
  log('HTTP endpoint');
  rows.push(...(await runHttp(quick ? { connections: [10], length: { amount: 400 }, rounds: 1, users: 100 } : { connections: [1, 10, 50], length: 3, rounds: 3, users: 10_000 })));
}
if (sections.has('moto')) {
  log('peer: moto');
  rows.push(...(await runMoto(quick ? { skip: 'not run in --quick mode (starting moto takes seconds)' } : { connections: 10, seconds: 5, rounds: 2 })));
}
if (sections.has('postgres')) {
  log('PostgreSQL adapter');
  rows.push(...(await runPostgres(quick ? { skip: 'not run in --quick mode (starts a PostgreSQL server)' } : { seconds: 3, rounds: 2, clients: [1, 8] })));
}

if (sections.has('sigv4')) {
  log('signatures');
  rows.push(...(await runSigV4(quick ? { rounds: 1, time: 40, warmupTime: 20 } : { rounds: 5, time: 300, warmupTime: 200 })));
}
if (sections.has('doors')) {
  log('front doors');
  rows.push(...(await runDoors(quick ? { requests: 2 } : { requests: 15 })));
}
if (sections.has('dashboard')) {
  log('dashboard activity');
  rows.push(
    ...(await runDashboard(
      quick
        ? { perBatch: 20, rounds: 1, time: 40, warmupTime: 20, logins: 10_000 }
        : { perBatch: 100, rounds: 7, time: 300, warmupTime: 200, logins: 1_000_000 },
    )),
  );
}

const cpuList = cpus();
const results: BenchResults = {
  startedAt,
  quick,
  machine: {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    totalMemoryMiB: Math.round(totalmem() / 2 ** 20),
    platform: `${process.platform} ${process.arch}`,
  },
  node: process.version,
  rows,
};
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(formatTable(rows));
console.log(`\n${results.machine.cpus} x ${results.machine.cpuModel}, Node ${results.node}${quick ? ', --quick (tiny sizes: not representative)' : ''}; written to ${out}`);
console.log('`npm run bench:table` puts the table of bench/results.json into docs/performance.md.');
