import { randomBytes } from 'node:crypto';
import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteUserCommand,
  GetUserCommand,
  ListServiceSpecificCredentialsCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, inject, it } from 'vitest';
import { DEFAULT_ACCOUNT_ID } from '../../src/index.js';
import type { ServeConfig } from '../../src/protocol/cli/serve-options.js';
import { startServer } from '../../src/protocol/cli/serve.js';
import { iamClient } from './helpers.js';

/** The server test/postgres/global-setup.ts started (or IAM_SSC_TEST_DATABASE_URL); fails, never skips, without one. */
const databaseUrl = (): string => {
  const unavailable = inject('postgresUnavailable');
  if (unavailable !== undefined) throw new Error(unavailable);
  const url = inject('postgresUrl');
  if (url === undefined) throw new Error('test/postgres/global-setup.ts did not run');
  return url;
};

const config = (connectionString: string): ServeConfig => ({
  host: '127.0.0.1',
  port: 0,
  accountId: DEFAULT_ACCOUNT_ID,
  accountMap: new Map(),
  unsupportedServiceError: 'NoSuchEntity',
  store: { kind: 'postgres', connectionString },
  maxBodyBytes: 1024 * 1024,
  accessLog: true,
  authenticateEndpoint: false,
});

describe('the endpoint on the PostgreSQL store (--store postgres://…)', () => {
  it('migrates, serves the SDK, keeps the data across a restart, and closes the pool', async () => {
    const url = databaseUrl();
    const lines: string[] = [];
    const io = { log: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };
    // Unique names: the default schema may be shared with earlier runs against IAM_SSC_TEST_DATABASE_URL.
    const userName = `pg-endpoint-${randomBytes(4).toString('hex')}`;

    const first = await startServer(config(url), io);
    let credentialId = '';
    let password = '';
    const iam = iamClient(first.url);
    try {
      await iam.send(new CreateUserCommand({ UserName: userName }));
      const created = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: userName, ServiceName: 'codecommit.amazonaws.com' }));
      credentialId = created.ServiceSpecificCredential?.ServiceSpecificCredentialId ?? '';
      password = created.ServiceSpecificCredential?.ServicePassword ?? '';
      expect(created.ServiceSpecificCredential?.ServiceUserName).toBe(`${userName}-at-123456789012`);
    } finally {
      iam.destroy();
      await first.close();
    }

    const second = await startServer(config(url), io);
    const again = iamClient(second.url);
    try {
      expect((await again.send(new GetUserCommand({ UserName: userName }))).User?.UserName).toBe(userName);
      const listed = await again.send(new ListServiceSpecificCredentialsCommand({ UserName: userName }));
      expect(listed.ServiceSpecificCredentials?.map((c) => c.ServiceSpecificCredentialId)).toEqual([credentialId]);
      const who = await second.engine.authenticate({
        ServiceName: 'codecommit.amazonaws.com',
        ServiceUserName: `${userName}-at-123456789012`,
        ServicePassword: password,
      });
      expect(who._unsafeUnwrap().UserName).toBe(userName);
      await again.send(new DeleteServiceSpecificCredentialCommand({ UserName: userName, ServiceSpecificCredentialId: credentialId }));
      await again.send(new DeleteUserCommand({ UserName: userName }));
    } finally {
      again.destroy();
      await second.close();
    }

    const startup = lines.filter((line) => line.includes('listening on'));
    expect(startup).toHaveLength(2);
    const parsed = new URL(url);
    if (parsed.password !== '') expect(lines.join('\n')).not.toContain(parsed.password);
    expect(lines.join('\n')).not.toContain(password);
  });
});
