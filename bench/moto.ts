import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { ProjectSetup } from './http-server.js';
import { startChildServer, waitUntil } from './lib/child-server.js';
import { median } from './lib/measure.js';
import { postForm } from './lib/query-load.js';
import { type RawLoadFigures, runCreateDeleteRaw } from './lib/raw-http-client.js';
import type { ResultRow } from './lib/results.js';

export type MotoOptions = { readonly skip: string } | { readonly connections: number; readonly seconds: number; readonly rounds: number };

const USERS = 200;
/** moto routes a request to a service by the SigV4 credential scope; it does not check the signature. */
const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0' };
const section = 'Peer: moto (CreateAccessKey+DeleteAccessKey) vs ours (Create+Delete service-specific credential)';

const skipped = (reason: string): ResultRow[] => {
  console.error(`[bench] moto row skipped: ${reason}`);
  return [{ id: 'peer.moto', section, label: 'Ours / moto, Create+Delete over HTTP with keep-alive', value: null, unit: 'req/s', skipped: reason }];
};

const freePort = async (): Promise<number> => {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address !== null ? address.port : 0;
};

/**
 * moto's server (`python3 -m moto.server`) on the same load shape as ours: `connections` keep-alive connections, each doing a
 * create then the delete of what it created, on 200 users round-robin (quota 2 per user on both sides). Both are driven by the same
 * raw `node:net` client (`runCreateDeleteRaw`: pre-built request bytes, keep-alive, a new connection whenever the server closes one):
 * moto's server closes the connection after every response, which autocannon cannot drive, and node:http's Agent costs more client
 * CPU per request than our server spends answering it.
 */
export const runMoto = async (options: MotoOptions): Promise<ResultRow[]> => {
  if ('skip' in options) return skipped(options.skip);
  const probe = spawnSync('python3', ['-c', 'import moto'], { encoding: 'utf8' });
  if (probe.status !== 0) return skipped(`python3 -c "import moto" failed: ${(probe.stderr || String(probe.error ?? '')).trim().split('\n').at(-1) ?? ''}`);

  const port = await freePort();
  const moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const motoUrl = `http://127.0.0.1:${port}/`;
  const ours = await startChildServer('project', { users: USERS } satisfies ProjectSetup);
  const oursUrl = `http://127.0.0.1:${ours.port}/`;
  try {
    const up = await waitUntil(async () => (await postForm(motoUrl, { Action: 'ListUsers' }, SIGNED)).status === 200, 30_000);
    if (!up) return skipped('moto server did not answer within 30 s');
    for (let index = 0; index < USERS; index += 1) {
      const response = await postForm(motoUrl, { Action: 'CreateUser', UserName: `user${index}` }, SIGNED);
      if (response.status !== 200) return skipped(`moto CreateUser answered ${response.status}`);
    }
    const motoRuns: RawLoadFigures[] = [];
    const ourRuns: RawLoadFigures[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      const shape = { connections: options.connections, seconds: options.seconds, users: USERS };
      motoRuns.push(await runCreateDeleteRaw({ ...shape, url: motoUrl, kind: 'access-key', headers: SIGNED }));
      ourRuns.push(await runCreateDeleteRaw({ ...shape, url: oursUrl, kind: 'service-specific' }));
    }
    const failures = [...motoRuns, ...ourRuns].reduce((sum, run) => sum + run.failures, 0);
    const perConnection = (runs: readonly RawLoadFigures[]): string =>
      (runs.reduce((sum, run) => sum + run.requests, 0) / Math.max(1, runs.reduce((sum, run) => sum + run.connectionsOpened, 0))).toFixed(1);
    const value = median(ourRuns.map((run) => run.requestsPerSecond));
    const base = median(motoRuns.map((run) => run.requestsPerSecond));
    return [
      {
        id: 'peer.moto',
        section,
        label: `Ours / moto, Create+Delete over HTTP with keep-alive, ${options.connections} connections`,
        value,
        unit: 'req/s',
        baseline: { label: 'moto', value: base },
        ratio: value / base,
        target: '>= 30x moto',
        met: value / base >= 30 && failures === 0,
        note: `p50/p99 ours ${median(ourRuns.map((r) => r.p50Ms)).toFixed(1)}/${median(ourRuns.map((r) => r.p99Ms)).toFixed(1)} ms, moto ${median(motoRuns.map((r) => r.p50Ms)).toFixed(1)}/${median(motoRuns.map((r) => r.p99Ms)).toFixed(1)} ms; requests per connection ours ${perConnection(ourRuns)}, moto ${perConnection(motoRuns)}${failures === 0 ? '' : `; ${failures} FAILED requests`}`,
      },
    ];
  } finally {
    await ours.stop();
    if (moto.exitCode === null) {
      moto.kill('SIGTERM');
      await once(moto, 'exit');
    }
  }
};
