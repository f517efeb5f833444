/**
 * The store contract against PGlite: the PostgreSQL adapter's own statements, run by the PGlite driver. One embedded database for
 * the file (creating one runs initdb, which takes seconds), a fresh schema per test, as the PostgreSQL run does.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll } from 'vitest';
import { createPGliteRunner } from '../../src/adapters/pglite/pglite-runner.js';
import { createSqlAdapters } from '../../src/adapters/postgres/sql-adapters.js';
import { describeAccessKeyStoreContract } from './access-key-store.contract.js';
import { describePolicyStoreContract } from './policy-store.contract.js';
import { describeCredentialStoreContract, describeUserResolvingStoreContract } from './credential-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'iam-ssc-pglite-contract-'));
let database: Promise<PGlite> | undefined;

afterAll(async () => {
  if (database !== undefined) await (await database).close();
  rmSync(dir, { recursive: true, force: true });
});

const openAdapters = async () => {
  const runner = createPGliteRunner(await (database ??= PGlite.create(join(dir, 'pgdata'))));
  const schema = `test_contract_${randomBytes(5).toString('hex')}`;
  const adapters = createSqlAdapters(runner, { schema }, 'pglite.contract.test');
  await adapters.migrate();
  return { ...adapters, dispose: async () => void (await runner.query(`DROP SCHEMA "${schema}" CASCADE`)) };
};

describeCredentialStoreContract('PGlite', openAdapters);
describeUserResolvingStoreContract('PGlite', openAdapters);
describeAccessKeyStoreContract('PGlite', async () => {
  const adapters = await openAdapters();
  return { ...adapters, reset: adapters.maintenance };
}, { atomicUserRemoval: true });
describePolicyStoreContract('PGlite', async () => {
  const adapters = await openAdapters();
  return { ...adapters, reset: adapters.maintenance };
});
