/**
 * `serve --data-dir`: the endpoint killed with SIGKILL in the middle of a burst of Creates and Deletes, then started again on the
 * same directory, opens cleanly with every write the client saw succeed and none it saw fail or undone, the quota and ServiceUserName
 * uniqueness intact; and a second process opening a directory in use is refused with a clear message, touching nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteServiceSpecificCredentialCommand,
  IAMClient,
  ListServiceSpecificCredentialsCommand,
} from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { type CommandProcess, listeningUrl, runCommand } from '../support/serve-process.js';

const USERS = ['alice', 'alice+1', 'bob', 'carol'];
const SERVICES = ['codecommit.amazonaws.com', 'cassandra.amazonaws.com', 'bedrock.amazonaws.com'];
const CLIENTS = 8;

const serve = (dataDir: string): CommandProcess => runCommand(['serve', '--port', '0', '--quiet', '--data-dir', dataDir]);

const client = (url: string): IAMClient =>
  new IAMClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });

interface Seen {
  readonly created: Map<string, { userName: string; serviceName: string }>;
  readonly deleted: Set<string>;
  /** Credentials whose Delete was in flight when the process died: that Delete may or may not have committed. */
  readonly maybeDeleted: Set<string>;
  /** Requests whose answer never came (in flight when the process died): their effect may or may not be there. */
  unanswered: number;
  outcomes: number;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('serve --data-dir (PGlite)', () => {
  it('keeps every acknowledged write across kill -9, and refuses a second process on the same directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iam-ssc-data-'));
    dirs.push(dataDir);
    const first = serve(dataDir);
    const iam = client(await listeningUrl(first));
    for (const UserName of USERS) await iam.send(new CreateUserCommand({ UserName }));

    // A second process on the same directory, while the first is alive: a clear error, exit 1, and the first is unharmed.
    const second = serve(dataDir);
    expect((await second.exit).code).toBe(1);
    expect(second.stderr()).toContain(`the data directory ${dataDir} is in use by process ${first.child.pid}`);

    const seen: Seen = { created: new Map(), deleted: new Set(), maybeDeleted: new Set(), unanswered: 0, outcomes: 0 };
    let dead = false;
    /** Waits for a request's outcome; false when no answer came (the process died with it in flight). */
    const settle = async (request: Promise<void>): Promise<boolean> => {
      let answered = true;
      try {
        await request;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        // No HTTP answer: the connection died with the process. An AWS error answer is a business outcome (quota, not found).
        if (status === undefined) {
          seen.unanswered += 1;
          answered = false;
        } else expect(status, String(error)).toBeLessThan(500);
      }
      seen.outcomes += 1;
      return answered;
    };
    const burst = Array.from({ length: CLIENTS }, async (_, index) => {
      for (let iteration = 0; !dead; iteration += 1) {
        const UserName = USERS[(index + iteration) % USERS.length] as string;
        const ServiceName = SERVICES[(index * 7 + iteration) % SERVICES.length] as string;
        const own = [...seen.created].filter(([id, where]) => where.userName === UserName && !seen.deleted.has(id));
        if (own.length > 0 && iteration % 3 === 0) {
          const [id] = own[iteration % own.length] as [string, unknown];
          const answered = await settle(
            iam.send(new DeleteServiceSpecificCredentialCommand({ UserName, ServiceSpecificCredentialId: id })).then(() => void seen.deleted.add(id)),
          );
          if (!answered) seen.maybeDeleted.add(id);
        } else {
          await settle(
            iam.send(new CreateServiceSpecificCredentialCommand({ UserName, ServiceName })).then((answer) => {
              const id = answer.ServiceSpecificCredential?.ServiceSpecificCredentialId;
              if (id !== undefined) seen.created.set(id, { userName: UserName, serviceName: ServiceName });
            }),
          );
        }
      }
    });
    while (seen.outcomes < 150) await new Promise((resolve) => setTimeout(resolve, 10));
    first.child.kill('SIGKILL');
    expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });
    dead = true;
    await Promise.all(burst);
    expect(seen.created.size).toBeGreaterThan(0);
    expect(seen.deleted.size).toBeGreaterThan(0);

    // The dead process's lock is stale: the restart takes it over and opens the database cleanly.
    const restarted = serve(dataDir);
    const after = client(await listeningUrl(restarted));
    const present = new Map<string, { userName: string; serviceName: string; serviceUserName: string }>();
    for (const UserName of USERS) {
      const listed = await after.send(new ListServiceSpecificCredentialsCommand({ UserName }));
      for (const credential of listed.ServiceSpecificCredentials ?? []) {
        present.set(credential.ServiceSpecificCredentialId as string, {
          userName: UserName,
          serviceName: credential.ServiceName as string,
          serviceUserName: (credential.ServiceUserName ?? credential.ServiceCredentialAlias) as string,
        });
      }
    }
    for (const [id, where] of seen.created) {
      if (seen.deleted.has(id)) expect(present.has(id), `${id} was reported deleted`).toBe(false);
      // A Delete cut off by the kill may have committed before it: the credential is then gone, else it is there as created.
      else if (seen.maybeDeleted.has(id) && !present.has(id)) continue;
      else expect(present.get(id), `${id} was reported created`).toMatchObject(where);
    }
    // Anything present that the client never saw created is one of the requests the kill cut off.
    const unacknowledged = [...present.keys()].filter((id) => !seen.created.has(id));
    expect(unacknowledged.length).toBeLessThanOrEqual(seen.unanswered);
    const perUserAndService = new Map<string, number>();
    const names = new Set<string>();
    for (const { userName, serviceName, serviceUserName } of present.values()) {
      const key = `${userName}/${serviceName}`;
      perUserAndService.set(key, (perUserAndService.get(key) ?? 0) + 1);
      const nameKey = `${serviceName}/${serviceUserName.toLowerCase()}`;
      expect(names.has(nameKey), `${nameKey} is unique`).toBe(false);
      names.add(nameKey);
    }
    expect(Math.max(...perUserAndService.values())).toBeLessThanOrEqual(2);

    // And the restarted store still works, then stops cleanly and releases the directory.
    const more = await after.send(new CreateServiceSpecificCredentialCommand({ UserName: 'carol', ServiceName: 'codecommit.amazonaws.com' })).catch(
      (error: unknown) => error,
    );
    if (more instanceof Error) expect(more.name).toBe('LimitExceededException');
    restarted.child.kill('SIGTERM');
    expect((await restarted.exit).code).toBe(0);
    const third = serve(dataDir);
    await listeningUrl(third);
    third.child.kill('SIGTERM');
    expect((await third.exit).code).toBe(0);
  });
});
