/** Runs race-worker.ts processes and reads back their event streams, plus the invariants every state of the database must satisfy. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { PostgresAdapters } from '../../src/adapters/postgres/index.js';
import type { WorkerConfig, WorkerEvent } from './race-worker.js';

const WORKER = fileURLToPath(new URL('./race-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningWorker {
  readonly process: ChildProcess;
  readonly events: WorkerEvent[];
  /** Settles when the process exits: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves once `count` events have arrived (or the process has exited). */
  eventsSeen(count: number): Promise<void>;
}

export const startWorker = (config: WorkerConfig): RunningWorker => {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(config)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let pending = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') events.push(JSON.parse(line) as WorkerEvent);
    for (const waiter of waiters.filter((w) => events.length >= w.count)) waiter.resolve();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const waiter of waiters) waiter.resolve();
      resolve({ code, signal, stderr });
    });
  });
  return {
    process: child,
    events,
    exited,
    eventsSeen: (count) =>
      new Promise((resolve) => {
        if (events.length >= count || child.exitCode !== null) resolve();
        else waiters.push({ count, resolve });
      }),
  };
};

export interface StoredCredentialRow {
  account_id: string;
  credential_id: string;
  owner_id: string;
  user_name: string;
  service_name: string;
  kind: string;
  service_user_name: string;
  service_user_name_key: string;
  secret_digest: string;
  status: string;
  create_date: Date;
  expiration_date: Date | null;
}

/**
 * What must hold of the database whatever happened to the processes writing it: every row whole and consistent, at most 2
 * credentials per user and service, ServiceUserNames unique per account and service, and no credential of a closed owner or of
 * a user that no longer exists. Answers the rows.
 */
export const expectConsistentDatabase = async (adapters: PostgresAdapters, schema: string): Promise<StoredCredentialRow[]> => {
  const { rows } = await adapters.pool.query<StoredCredentialRow>(`SELECT * FROM "${schema}".credentials ORDER BY credential_id`);
  const { rows: users } = await adapters.pool.query<{ account_id: string; user_id: string; user_name: string }>(
    `SELECT account_id, user_id, user_name FROM "${schema}".users`,
  );
  const { rows: closed } = await adapters.pool.query<{ owner_id: string }>(`SELECT owner_id FROM "${schema}".closed_owners`);
  const closedOwners = new Set(closed.map((row) => row.owner_id));
  const userById = new Map(users.map((row) => [row.user_id, row]));

  const perOwnerAndService = new Map<string, number>();
  const names = new Set<string>();
  for (const row of rows) {
    expect(row.credential_id).toMatch(/^ACCA[A-Z0-9]{17}$/);
    expect(row.secret_digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(['Active', 'Inactive']).toContain(row.status);
    expect(row.kind).toBe(row.service_name === 'bedrock.amazonaws.com' ? 'api-key' : 'password');
    expect(row.create_date).toBeInstanceOf(Date);
    expect(row.expiration_date).toBeNull();
    expect(row.service_user_name_key).toBe(row.service_user_name.toLowerCase());
    // `<user>-at-<account>` or `<user>+N-at-<account>`, N >= 1.
    expect(row.service_user_name.startsWith(row.user_name)).toBe(true);
    expect(row.service_user_name.slice(row.user_name.length)).toMatch(new RegExp(`^(\\+[1-9]\\d*)?-at-${row.account_id}$`));
    const owner = userById.get(row.owner_id);
    expect(owner?.user_name, `owner of ${row.credential_id} exists`).toBe(row.user_name);
    expect(closedOwners.has(row.owner_id), `owner of ${row.credential_id} is not closed`).toBe(false);

    const ownerKey = `${row.owner_id}/${row.service_name}`;
    perOwnerAndService.set(ownerKey, (perOwnerAndService.get(ownerKey) ?? 0) + 1);
    const nameKey = `${row.account_id}/${row.service_name}/${row.service_user_name_key}`;
    expect(names.has(nameKey), `${nameKey} is unique`).toBe(false);
    names.add(nameKey);
  }
  expect(Math.max(0, ...perOwnerAndService.values())).toBeLessThanOrEqual(2);
  return rows;
};
