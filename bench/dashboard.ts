import { answerBedrockRequest } from '../src/protocol/bedrock/bedrock-door.js';
import { ActivityLog } from '../src/protocol/dashboard/activity.js';
import { type LoginObservers, reportLoginAttempt } from '../src/protocol/front-door/login-attempt.js';
import { BEDROCK, newEngine, ok } from './lib/engine-fixture.js';
import { type BenchTask, forceGc, measureRounds, type RoundOptions } from './lib/measure.js';
import type { ResultRow } from './lib/results.js';

export interface DashboardBenchOptions extends RoundOptions {
  readonly perBatch: number;
  /** Logins recorded for the memory row. */
  readonly logins: number;
}

/**
 * What the dashboard's activity recording costs a door: Bedrock logins answered by the door's Sans-I/O core and reported to their
 * observers, with and without the dashboard's ring among them, in the same rounds; and the heap a million recorded logins hold.
 */
export const runDashboard = async (options: DashboardBenchOptions): Promise<ResultRow[]> => {
  const engine = newEngine();
  await ok(engine.createUser({ UserName: 'bench' }));
  const created = await ok(engine.createServiceSpecificCredential({ UserName: 'bench', ServiceName: BEDROCK }));
  const request = {
    method: 'POST',
    url: '/model/anthropic.claude-3-haiku-20240307-v1:0/converse',
    authorization: `Bearer ${created.ServiceSpecificCredential.ServiceCredentialSecret ?? ''}`,
    body: Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hello' }] }] })),
  };
  const logins = (name: string, observers: LoginObservers): BenchTask => ({
    name,
    perBatch: options.perBatch,
    batch: async () => {
      for (let index = 0; index < options.perBatch; index += 1) {
        const outcome = await answerBedrockRequest(engine, request, 'request-id');
        if (outcome.answer.status !== 200 || outcome.attempt === undefined) throw new Error('the bench login was refused');
        reportLoginAttempt(observers, outcome.attempt, '127.0.0.1');
      }
    },
  });
  const activity = new ActivityLog();
  const rates = await measureRounds(
    [logins('logins', {}), logins('logins-recorded', { onLoginAttempt: (attempt, client) => activity.recordLogin(attempt, client) })],
    options,
  );
  const plain = rates.get('logins') as number;
  const recorded = rates.get('logins-recorded') as number;

  const attempt = { door: 'git' as const, outcome: 'refused' as const, presented: 'alice-at-123456789012', accountId: '123456789012', reason: 'wrong secret' };
  const ring = new ActivityLog();
  forceGc();
  const before = process.memoryUsage().heapUsed;
  for (let index = 0; index < options.logins; index += 1) ring.recordLogin(attempt, '127.0.0.1');
  forceGc();
  const heldMiB = (process.memoryUsage().heapUsed - before) / (1024 * 1024);

  return [
    {
      id: 'dashboard.login-recorded',
      section: 'Dashboard (activity recording)',
      label: 'Bedrock door logins/s, recorded for the dashboard',
      value: recorded,
      unit: 'logins/s',
      baseline: { label: 'the same logins, not recorded', value: plain },
      ratio: recorded / plain,
      target: '>= 0.95x not recorded',
      met: recorded / plain >= 0.95,
    },
    {
      id: 'dashboard.activity-heap',
      section: 'Dashboard (activity recording)',
      label: `heap held after ${options.logins.toLocaleString('en-US')} recorded logins`,
      value: heldMiB,
      unit: 'MiB',
      target: '< 1 MiB (bounded rings)',
      met: heldMiB < 1,
    },
  ];
};
