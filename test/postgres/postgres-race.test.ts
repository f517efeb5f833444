/**
 * Several processes race Creates, Deletes, Resets and DeleteUser/CreateUser at the same few users through one PostgreSQL database.
 * Afterwards the quota and uniqueness hold, every Create a worker saw succeed is present unless a worker saw it deleted, nothing
 * else is, and no request needed more than the retries allow (no ServiceFailure at all).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { openTestAdapters, postgresUrl, type TestAdapters } from './database.js';
import { expectConsistentDatabase, startWorker } from './workers.js';
import type { WorkerEvent } from './race-worker.js';

const WORKERS = 4;
const OPERATIONS_PER_WORKER = 150;
// alice's second name is alice+1-at-…, which the user literally named alice+1 also wants: a cross-owner race on one name.
const USER_NAMES = ['alice', 'alice+1', 'Bob_x'];
const CYCLED_USER = 'carol';
const SERVICES = ['codecommit.amazonaws.com', 'bedrock.amazonaws.com'];

describe('PostgreSQL under a multi-process race', () => {
  let adapters: TestAdapters;
  beforeAll(async () => {
    adapters = await openTestAdapters('race');
  });
  afterAll(async () => adapters.dispose());

  it('keeps every invariant and loses no successful write', async () => {
    const engine = createCredentialEngine({ store: adapters.store, users: adapters.users });
    for (const UserName of [...USER_NAMES, CYCLED_USER]) expect((await engine.createUser({ UserName })).isOk()).toBe(true);

    const workers = Array.from({ length: WORKERS }, (_, index) =>
      startWorker({
        url: postgresUrl(),
        schema: adapters.schema,
        seed: 1000 + index,
        operations: OPERATIONS_PER_WORKER,
        concurrency: 12,
        userNames: USER_NAMES,
        serviceNames: SERVICES,
        cycledUserName: CYCLED_USER,
      }),
    );
    const exits = await Promise.all(workers.map((worker) => worker.exited));
    for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });

    const events: WorkerEvent[] = workers.flatMap((worker) => worker.events);
    expect(events.filter((event) => event.event === 'done')).toHaveLength(WORKERS);
    expect(events.filter((event) => event.event === 'internal-error')).toEqual([]);
    const refusals = events.flatMap((event) => (event.event === 'refused' ? [event] : []));
    expect(refusals.filter((event) => event.code === 'ServiceFailure')).toEqual([]);
    // The race really raced: creates both succeeded and hit the quota, and deletes succeeded.
    expect(refusals.some((event) => event.operation === 'create' && event.code === 'LimitExceeded')).toBe(true);

    const created = new Map(events.flatMap((event) => (event.event === 'created' ? [[event.id, event] as const] : [])));
    const deleted = new Set(events.flatMap((event) => (event.event === 'deleted' ? [event.id] : [])));
    expect(created.size).toBeGreaterThan(0);
    expect(deleted.size).toBeGreaterThan(0);
    expect([...deleted].every((id) => created.has(id))).toBe(true);

    const rows = await expectConsistentDatabase(adapters, adapters.schema);
    const expected = [...created.keys()].filter((id) => !deleted.has(id)).sort();
    expect(rows.map((row) => row.credential_id)).toEqual(expected);
    for (const row of rows) {
      const event = created.get(row.credential_id);
      expect({ userName: row.user_name, serviceName: row.service_name, serviceUserName: row.service_user_name }).toEqual({
        userName: event?.userName,
        serviceName: event?.serviceName,
        serviceUserName: event?.serviceUserName,
      });
    }
  });
});
