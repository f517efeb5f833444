/**
 * One process of the multi-process race and crash tests: fires `operations` (or, with 0, endless) concurrent engine calls at a few
 * users through PostgreSQL, and reports each outcome as one JSON line on stdout, as it happens, so that a parent that kills this
 * process still knows what had succeeded. Usage: node --import tsx test/postgres/race-worker.ts '<WorkerConfig JSON>'.
 */
import { createPostgresAdapters } from '../../src/adapters/postgres/index.js';
import { createCredentialEngine, type IamError } from '../../src/index.js';

export interface WorkerConfig {
  readonly url: string;
  readonly schema: string;
  readonly seed: number;
  /** Operations in all; 0 runs until killed. */
  readonly operations: number;
  readonly concurrency: number;
  readonly userNames: readonly string[];
  readonly serviceNames: readonly string[];
  /** A user this worker deletes (when it has no credentials left) and creates again now and then. */
  readonly cycledUserName?: string;
  /** Whether this worker deletes credentials (default true); without, it only creates and resets. */
  readonly deletes?: boolean;
}

export type WorkerEvent =
  | { readonly event: 'created'; readonly id: string; readonly userName: string; readonly serviceName: string; readonly serviceUserName: string }
  | { readonly event: 'deleted'; readonly id: string }
  | { readonly event: 'reset'; readonly id: string }
  | { readonly event: 'user-deleted'; readonly userName: string }
  | { readonly event: 'user-created'; readonly userName: string }
  | { readonly event: 'refused'; readonly operation: string; readonly code: IamError['code'] }
  | { readonly event: 'internal-error'; readonly cause: string }
  | { readonly event: 'done' };

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;

/** mulberry32: reproducible choices per seed. */
let state = config.seed >>> 0;
const random = (): number => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const emit = (event: WorkerEvent): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const adapters = createPostgresAdapters({ connectionString: config.url, schema: config.schema, max: 8 });
const engine = createCredentialEngine({
  store: adapters.store,
  users: adapters.users,
  onInternalError: (cause) => emit({ event: 'internal-error', cause: String(cause) }),
});

const refused = (operation: string, error: IamError): void => emit({ event: 'refused', operation, code: error.code });

/** Some credential of `userName`, as listed now. */
const someCredentialOf = async (userName: string): Promise<string | undefined> => {
  const listed = await engine.listServiceSpecificCredentials({ UserName: userName });
  if (listed.isErr()) {
    refused('list', listed.error);
    return undefined;
  }
  const items = listed.value.ServiceSpecificCredentials;
  return items.length === 0 ? undefined : pick(items).ServiceSpecificCredentialId;
};

const allUserNames = [...config.userNames, ...(config.cycledUserName === undefined ? [] : [config.cycledUserName])];

const operation = async (): Promise<void> => {
  const roll = random();
  const userName = pick(allUserNames);
  if (roll < 0.5) {
    const outcome = await engine.createServiceSpecificCredential({ UserName: userName, ServiceName: pick(config.serviceNames) });
    if (outcome.isErr()) return refused('create', outcome.error);
    const issued = outcome.value.ServiceSpecificCredential;
    emit({
      event: 'created',
      id: issued.ServiceSpecificCredentialId,
      userName: issued.UserName,
      serviceName: issued.ServiceName,
      serviceUserName: (issued.ServiceUserName ?? issued.ServiceCredentialAlias) as string,
    });
  } else if (roll < 0.8 && config.deletes !== false) {
    const id = await someCredentialOf(userName);
    if (id === undefined) return;
    const outcome = await engine.deleteServiceSpecificCredential({ UserName: userName, ServiceSpecificCredentialId: id });
    if (outcome.isErr()) return refused('delete', outcome.error);
    emit({ event: 'deleted', id });
  } else if (roll < 0.95 || config.cycledUserName === undefined || config.deletes === false) {
    const id = await someCredentialOf(userName);
    if (id === undefined) return;
    const outcome = await engine.resetServiceSpecificCredential({ UserName: userName, ServiceSpecificCredentialId: id });
    if (outcome.isErr()) return refused('reset', outcome.error);
    emit({ event: 'reset', id });
  } else {
    // Empty the cycled user, then try to delete it (racing the other lanes' creates) and create it again under a new UserId.
    const cycled = config.cycledUserName;
    for (let id = await someCredentialOf(cycled); id !== undefined; id = await someCredentialOf(cycled)) {
      const outcome = await engine.deleteServiceSpecificCredential({ UserName: cycled, ServiceSpecificCredentialId: id });
      if (outcome.isErr()) refused('delete', outcome.error);
      else emit({ event: 'deleted', id });
    }
    const deleted = await engine.deleteUser({ UserName: cycled });
    if (deleted.isErr()) return refused('delete-user', deleted.error);
    emit({ event: 'user-deleted', userName: cycled });
    const created = await engine.createUser({ UserName: cycled });
    if (created.isErr()) return refused('create-user', created.error);
    emit({ event: 'user-created', userName: cycled });
  }
};

let started = 0;
const lane = async (): Promise<void> => {
  while (config.operations === 0 || started < config.operations) {
    started += 1;
    await operation();
  }
};

await Promise.all(Array.from({ length: config.concurrency }, lane));
await adapters.close();
emit({ event: 'done' });
