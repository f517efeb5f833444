/**
 * Processes killed (SIGKILL) in the middle of a burst of writes leave no partial credential: every row is whole and consistent,
 * quota and uniqueness hold, no credential belongs to a closed owner, every Create reported before the kill is there unless a
 * Delete was reported too, and the users the dead processes were writing for are immediately usable (no lock outlives them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { openTestAdapters, postgresUrl, type TestAdapters } from './database.js';
import { expectConsistentDatabase, startWorker } from './workers.js';

const USER_NAMES = ['alice', 'alice+1', 'bob'];
const CYCLED_USER = 'carol';
const SERVICES = ['codecommit.amazonaws.com', 'bedrock.amazonaws.com'];

describe('PostgreSQL when writers crash', () => {
  let adapters: TestAdapters;
  beforeAll(async () => {
    adapters = await openTestAdapters('crash');
  });
  afterAll(async () => adapters.dispose());

  it('holds no partial write after processes are killed mid-burst', async () => {
    const engine = createCredentialEngine({ store: adapters.store, users: adapters.users });
    for (const UserName of [...USER_NAMES, CYCLED_USER]) expect((await engine.createUser({ UserName })).isOk()).toBe(true);

    // Endless writers, each killed once it has reported a different number of outcomes, so the kills land at different points.
    // Two create and reset for everyone; one deletes credentials of the cycled user only, and deletes and re-creates that user.
    const writer = (seed: number) => ({ userNames: [...USER_NAMES, CYCLED_USER], deletes: false, seed });
    const cycler = { userNames: [], cycledUserName: CYCLED_USER, seed: 9 };
    const workers = [
      { killAfter: 40, role: writer(7) },
      { killAfter: 160, role: writer(8) },
      { killAfter: 90, role: cycler },
    ].map(({ killAfter, role }) => ({
      killAfter,
      worker: startWorker({ url: postgresUrl(), schema: adapters.schema, operations: 0, concurrency: 16, serviceNames: SERVICES, ...role }),
    }));
    await Promise.all(
      workers.map(async ({ killAfter, worker }) => {
        await worker.eventsSeen(killAfter);
        worker.process.kill('SIGKILL');
        expect(await worker.exited).toMatchObject({ code: null, signal: 'SIGKILL' });
        expect(worker.events.length).toBeGreaterThanOrEqual(killAfter);
      }),
    );
    const events = workers.flatMap(({ worker }) => worker.events);
    expect(events.filter((event) => event.event === 'internal-error')).toEqual([]);

    const rows = await expectConsistentDatabase(adapters, adapters.schema);
    const present = new Set(rows.map((row) => row.credential_id));
    const reportedCreates = events.flatMap((event) => (event.event === 'created' ? [event] : []));
    expect(reportedCreates.length).toBeGreaterThan(0);
    // Only the cycler deletes, and only the cycled user's credentials (its last deletes may have committed unreported).
    for (const event of reportedCreates) {
      if (event.userName !== CYCLED_USER) expect(present.has(event.id), `${event.id} was reported created`).toBe(true);
    }

    // The dead sessions' transactions are gone with them: every user can be written at once, and the result is still consistent.
    for (const UserName of [...USER_NAMES, CYCLED_USER]) {
      for (const ServiceName of SERVICES) {
        const outcome = await engine.createServiceSpecificCredential({ UserName, ServiceName });
        if (outcome.isErr()) expect(outcome.error.code).toBe('LimitExceeded');
      }
    }
    const after = await expectConsistentDatabase(adapters, adapters.schema);
    expect(after.length).toBeGreaterThanOrEqual(rows.length);
  });
});
