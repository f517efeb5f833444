import type { AutocannonRequest } from 'autocannon';
import type { BareSetup, CannedResponse, ProjectSetup } from './http-server.js';
import { startChildServer } from './lib/child-server.js';
import { median } from './lib/measure.js';
import { createDeleteRequests, type LoadFigures, listRequests, postForm, runLoad } from './lib/query-load.js';
import type { ResultRow } from './lib/results.js';

export interface HttpOptions {
  readonly connections: readonly number[];
  /** Seconds per measurement, or a number of requests (--quick). */
  readonly length: number | { readonly amount: number };
  readonly rounds: number;
  /** Users preloaded for the Create/Delete mix (round-robin). */
  readonly users: number;
}

const record = async (response: Response): Promise<CannedResponse> => ({
  status: response.status,
  headers: {
    'content-type': response.headers.get('content-type') ?? 'text/xml',
    'x-amzn-requestid': response.headers.get('x-amzn-requestid') ?? '00000000-0000-0000-0000-000000000000',
  },
  body: await response.text(),
});

/** Real answers of the project server, replayed byte for byte by the bare server. */
const recordResponses = async (url: string): Promise<Record<string, CannedResponse>> => {
  const created = await record(await postForm(url, { Action: 'CreateServiceSpecificCredential', UserName: 'user0', ServiceName: 'codecommit.amazonaws.com' }));
  const id = /<ServiceSpecificCredentialId>([^<]+)</.exec(created.body)?.[1] ?? '';
  const deleted = await record(await postForm(url, { Action: 'DeleteServiceSpecificCredential', UserName: 'user0', ServiceSpecificCredentialId: id }));
  const listed = await record(await postForm(url, { Action: 'ListServiceSpecificCredentials', UserName: 'holder' }));
  for (const [name, response] of [['create', created], ['delete', deleted], ['list', listed]] as const) {
    if (response.status !== 200) throw new Error(`project server answered ${response.status} to ${name}: ${response.body}`);
  }
  return { CreateServiceSpecificCredential: created, DeleteServiceSpecificCredential: deleted, ListServiceSpecificCredentials: listed };
};

export const runHttp = async (options: HttpOptions): Promise<ResultRow[]> => {
  const project = await startChildServer('project', { users: options.users } satisfies ProjectSetup);
  const projectUrl = `http://127.0.0.1:${project.port}/`;
  let bare: Awaited<ReturnType<typeof startChildServer>> | undefined;
  try {
    bare = await startChildServer('bare', { responses: await recordResponses(projectUrl) } satisfies BareSetup);
    const bareUrl = `http://127.0.0.1:${bare.port}/`;
    const section = 'HTTP endpoint (server in its own process, autocannon in the bench process)';
    const rows: ResultRow[] = [];
    const workloads: { key: string; name: string; requests: () => AutocannonRequest[] }[] = [
      { key: 'create-delete', name: 'Create/Delete mix', requests: () => createDeleteRequests(options.users, 'service-specific') },
      { key: 'list', name: 'List (user with 2 credentials)', requests: listRequests },
    ];
    for (const workload of workloads) {
      for (const connections of options.connections) {
        const ours: LoadFigures[] = [];
        const theirs: LoadFigures[] = [];
        for (let round = 0; round < options.rounds; round += 1) {
          theirs.push(await runLoad(bareUrl, connections, options.length, workload.requests()));
          ours.push(await runLoad(projectUrl, connections, options.length, workload.requests()));
        }
        const failures = ours.reduce((sum, figures) => sum + figures.failures, 0);
        const value = median(ours.map((figures) => figures.requestsPerSecond));
        const base = median(theirs.map((figures) => figures.requestsPerSecond));
        rows.push({
          id: `http.${workload.key}.c${connections}`,
          section,
          label: `${workload.name}, ${connections} connection${connections === 1 ? '' : 's'}`,
          value,
          unit: 'req/s',
          baseline: { label: 'bare node:http', value: base },
          ratio: value / base,
          target: '>= 0.7x bare',
          met: value / base >= 0.7 && failures === 0,
          note: `p50/p99 ${median(ours.map((f) => f.p50Ms))}/${median(ours.map((f) => f.p99Ms))} ms (bare ${median(theirs.map((f) => f.p50Ms))}/${median(theirs.map((f) => f.p99Ms))} ms)${failures === 0 ? '' : `; ${failures} FAILED requests`}`,
        });
      }
    }
    return rows;
  } finally {
    await bare?.stop();
    await project.stop();
  }
};
