/** `startIamEndpoint({ dataDir })`: the PGlite store from code, as `--data-dir` is from the command line. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateServiceSpecificCredentialCommand, CreateUserCommand, ListServiceSpecificCredentialsCommand } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { startIamEndpoint, StartupError } from '../../src/protocol/query/index.js';
import { iamClient } from '../protocol/helpers.js';

const dataDir = mkdtempSync(join(tmpdir(), 'iam-ssc-endpoint-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('startIamEndpoint with dataDir', () => {
  it('keeps users and credentials across a close and a new start on the same directory, and refuses a second open meanwhile', async () => {
    const first = await startIamEndpoint({ dataDir });
    let created: string | undefined;
    try {
      const iam = iamClient(first.url);
      await iam.send(new CreateUserCommand({ UserName: 'alice' }));
      const answer = await iam.send(new CreateServiceSpecificCredentialCommand({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' }));
      created = answer.ServiceSpecificCredential?.ServiceSpecificCredentialId;
      iam.destroy();
      await expect(startIamEndpoint({ dataDir })).rejects.toThrow(StartupError);
    } finally {
      await first.close();
    }

    const second = await startIamEndpoint({ dataDir });
    try {
      const iam = iamClient(second.url);
      const listed = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName: 'alice' }));
      iam.destroy();
      expect(created).toMatch(/^ACCA[A-Z0-9]{17}$/);
      expect(listed.ServiceSpecificCredentials?.map((credential) => credential.ServiceSpecificCredentialId)).toEqual([created]);
    } finally {
      await second.close();
    }
  });

  it('refuses dataDir together with store, and an empty dataDir, before anything is opened', async () => {
    await expect(startIamEndpoint({ dataDir, store: 'memory' })).rejects.toThrow(TypeError);
    await expect(startIamEndpoint({ dataDir: '' })).rejects.toThrow(TypeError);
  });
});
