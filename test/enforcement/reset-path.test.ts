import { CreateAccessKeyCommand, CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { startIamEndpoint } from '../../src/protocol/query/index.js';
import { type Key, signedClient, signer } from '../protocol/sigv4-support.js';

const ACCOUNT = '111111111111';
const ROOT: Key = { accessKeyId: 'AKIDRESETROOT', secretAccessKey: 'reset-root-secret-0000000000000000000000' };

const signedReset = async (url: string, key: Key): Promise<Response> => {
  const { hostname, port } = new URL(url);
  const signed = await signer(key).sign({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/_iam-service-credentials/reset',
    query: {},
    headers: { host: `${hostname}:${port}` },
    body: '',
  });
  return fetch(`${url}/_iam-service-credentials/reset`, { method: 'POST', headers: signed.headers as Record<string, string> });
};

describe('the reset path under enforcement', () => {
  it.each(['on', 'soft'] as const)('%s: an IAM user may not empty the endpoint (on refuses; soft logs, and the reset path refuses a user key itself); root may', async (mode) => {
    const lines: string[] = [];
    const endpoint = await startIamEndpoint({
      accountId: ACCOUNT,
      accountMap: { [ROOT.accessKeyId]: { accountId: ACCOUNT } },
      signatures: { secretAccessKeys: { [ROOT.accessKeyId]: ROOT.secretAccessKey } },
      enforceIam: mode,
      log: (line) => lines.push(line),
    });
    try {
      const root = signedClient(endpoint.url, ROOT);
      await root.send(new CreateUserCommand({ UserName: 'alice' }));
      const { AccessKey } = await root.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
      const alice = { accessKeyId: AccessKey?.AccessKeyId ?? '', secretAccessKey: AccessKey?.SecretAccessKey ?? '' };
      const byUser = await signedReset(endpoint.url, alice);
      const line = `iam-authz principal=arn:aws:iam::${ACCOUNT}:user/alice action=reset-path resource=* decision=implicit-deny outcome=${mode === 'on' ? 'denied' : 'would-deny(soft)'} deciding=-`;
      expect(lines).toContain(line);
      if (mode === 'on') {
        expect(byUser.status).toBe(403);
        expect(await byUser.json()).toEqual({
          Code: 'AccessDenied',
          Message: `arn:aws:iam::${ACCOUNT}:user/alice may not reset the endpoint's state: only an account's root may while IAM is enforced.`,
        });
        expect((await root.send(new ListUsersCommand({}))).Users).toHaveLength(1);
        expect((await signedReset(endpoint.url, ROOT)).status).toBe(200);
      } else {
        // soft lets the action through, and the reset path's own rule refuses it: with signatures verified only an account's root
        // key may reset (a user's key never may, enforced or not).
        expect(byUser.status).toBe(403);
        expect(await byUser.json()).toMatchObject({ Code: 'AccessDenied' });
        expect((await root.send(new ListUsersCommand({}))).Users).toHaveLength(1);
        expect((await signedReset(endpoint.url, ROOT)).status).toBe(200);
      }
      expect((await root.send(new ListUsersCommand({}))).Users).toEqual([]);
    } finally {
      await endpoint.close();
    }
  });
});
