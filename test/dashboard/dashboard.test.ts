import {
  CreateAccessKeyCommand,
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  IAMClient,
  ResetServiceSpecificCredentialCommand,
} from '@aws-sdk/client-iam';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_CAPACITY, ActivityLog, Ring } from '../../src/protocol/dashboard/activity.js';
import { familyOf } from '../../src/protocol/dashboard/state.js';
import type { LoginAttempt } from '../../src/protocol/front-door/login-attempt.js';
import { startIamEndpoint } from '../../src/protocol/query/index.js';
import { parseCommand } from '../../src/protocol/cli/serve-options.js';

const attempt = (door: LoginAttempt['door'], presented: string): LoginAttempt => ({ door, outcome: 'refused', presented, accountId: undefined, reason: 'wrong secret' });

describe('the activity rings', () => {
  it('keep the newest `capacity` items, newest first, whatever was pushed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer(), { maxLength: 100 }), (capacity, pushed) => {
        const ring = new Ring<number>(capacity);
        for (const item of pushed) ring.push(item);
        expect(ring.size).toBe(Math.min(capacity, pushed.length));
        expect(ring.newestFirst()).toEqual(pushed.slice(-capacity).reverse());
      }),
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) expect(() => new Ring(capacity)).toThrow(RangeError);
  });

  it('hold the last 200 logins of each door after 300,000, merged newest first', () => {
    let now = 0;
    const log = new ActivityLog(ACTIVITY_CAPACITY, () => ++now);
    for (let i = 0; i < 300_000; i++) log.recordLogin(attempt(i % 3 === 0 ? 'git' : i % 3 === 1 ? 'bedrock' : 'keyspaces', `user${i}`), '127.0.0.1');
    const logins = log.logins();
    expect(logins).toHaveLength(3 * ACTIVITY_CAPACITY);
    expect(logins[0]?.presented).toBe('user299999');
    expect(logins.every((login, i) => i === 0 || (logins[i - 1] as { time: number }).time > login.time)).toBe(true);
    for (const door of ['git', 'bedrock', 'keyspaces']) expect(logins.filter((login) => login.door === door)).toHaveLength(ACTIVITY_CAPACITY);
  });
});

describe('familyOf', () => {
  it('drops the +N of a ServiceUserName and nothing else', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\w+=,.@-]{1,30}$/), fc.integer({ min: 1, max: 99 }), fc.stringMatching(/^\d{12}$/), (user, n, account) => {
        fc.pre(!/\+\d+$/.test(user));
        expect(familyOf(`${user}+${n}-at-${account}`)).toBe(`${user}-at-${account}`);
        expect(familyOf(`${user}-at-${account}`)).toBe(`${user}-at-${account}`);
      }),
    );
  });
});

const get = (url: string) => fetch(url).then(async (answer) => ({ status: answer.status, headers: answer.headers, body: await answer.text() }));

describe('the dashboard paths', () => {
  it('serve the page and its state without signature checking, with a CSP that allows only the page itself', async () => {
    const endpoint = await startIamEndpoint();
    try {
      expect(endpoint.dashboardUrl).toBe(`${endpoint.url}/_iam-service-credentials/`);
      const page = await get(endpoint.dashboardUrl!);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+';/);
      expect(page.body).toContain('<title>iam-service-credentials</title>');
      const state = await get(`${endpoint.url}/_iam-service-credentials/state`);
      expect(state.status).toBe(200);
      expect(JSON.parse(state.body)).toMatchObject({ Accounts: [{ AccountId: '123456789012', Users: [] }], Logins: [], Decisions: [] });
      const post = await fetch(endpoint.dashboardUrl!, { method: 'POST' });
      expect(post.status).toBe(405);
    } finally {
      await endpoint.close(0);
    }
  });

  it('are off with dashboard: false (404), and off by default when signatures are checked', async () => {
    const off = await startIamEndpoint({ dashboard: false });
    const signed = await startIamEndpoint({ signatures: { secretAccessKeys: { AKIDROOT: 'secret' } } });
    try {
      expect(off.dashboardUrl).toBeUndefined();
      expect((await get(`${off.url}/_iam-service-credentials/`)).status).toBe(404);
      expect(signed.dashboardUrl).toBeUndefined();
      const unsigned = await get(`${signed.url}/_iam-service-credentials/state`);
      expect(unsigned.status).toBe(403);
      expect(JSON.parse(unsigned.body)).toMatchObject({ Code: 'MissingAuthenticationToken' });
    } finally {
      await off.close(0);
      await signed.close(0);
    }
  });

  it('with signatures checked and dashboard: true, answer only with the token of the printed URL', async () => {
    const lines: string[] = [];
    const endpoint = await startIamEndpoint({ dashboard: true, signatures: { secretAccessKeys: { AKIDROOT: 'secret' } }, log: (line) => lines.push(line) });
    try {
      const url = new URL(endpoint.dashboardUrl!);
      const token = url.searchParams.get('token')!;
      expect(token).toMatch(/^[\w-]{43}$/);
      expect(lines.filter((line) => line.includes(token))).toEqual([`dashboard at ${endpoint.dashboardUrl} (the token is shown only here)`]);
      expect((await get(url.toString())).status).toBe(200);
      expect((await get(`${endpoint.url}/_iam-service-credentials/state?token=${token}`)).status).toBe(200);
      for (const wrong of ['', '?token=', `?token=${token}x`, `?token=${token}&token=${token}`]) {
        const refused = await get(`${endpoint.url}/_iam-service-credentials/state${wrong}`);
        expect(refused.status).toBe(403);
        expect(JSON.parse(refused.body)).toMatchObject({ Code: 'AccessDenied' });
      }
      // The token opens the dashboard only: every other path still needs a signature.
      expect((await get(`${endpoint.url}/_iam-service-credentials/health?token=${token}`)).status).toBe(403);
      // The access log never carries the token (it logs no query string).
      expect(lines.filter((line) => line.includes(token))).toHaveLength(1);
    } finally {
      await endpoint.close(0);
    }
  });

  it('never show a secret, whatever credentials exist and however often they were reset', async () => {
    const endpoint = await startIamEndpoint();
    const iam = new IAMClient({ endpoint: endpoint.url, region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' }, maxAttempts: 1 });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ user: fc.constantFrom('ann', 'ben'), service: fc.constantFrom('codecommit.amazonaws.com', 'cassandra.amazonaws.com', 'bedrock.amazonaws.com'), reset: fc.boolean() }), {
            minLength: 1,
            maxLength: 6,
          }),
          async (steps) => {
            await fetch(`${endpoint.url}/_iam-service-credentials/reset`, { method: 'POST' });
            const secrets: string[] = [];
            for (const user of ['ann', 'ben']) await iam.send(new CreateUserCommand({ UserName: user }));
            for (const step of steps) {
              const created = await iam
                .send(new CreateServiceSpecificCredentialCommand({ UserName: step.user, ServiceName: step.service }))
                .catch(() => undefined); // the quota of 2 may refuse some
              const credential = created?.ServiceSpecificCredential;
              if (credential === undefined) continue;
              secrets.push(...[credential.ServicePassword, credential.ServiceCredentialSecret].filter((s): s is string => s !== undefined));
              if (step.reset) {
                const reset = await iam.send(new ResetServiceSpecificCredentialCommand({ UserName: step.user, ServiceSpecificCredentialId: credential.ServiceSpecificCredentialId }));
                const again = reset.ServiceSpecificCredential;
                secrets.push(...[again?.ServicePassword, again?.ServiceCredentialSecret].filter((s): s is string => s !== undefined));
              }
            }
            const state = (await get(`${endpoint.url}/_iam-service-credentials/state`)).body;
            for (const secret of secrets) expect(state).not.toContain(secret);
            expect(JSON.parse(state).Accounts[0].Users.flatMap((u: { ServiceSpecificCredentials: unknown[] }) => u.ServiceSpecificCredentials).length).toBeGreaterThan(0);
          },
        ),
        { numRuns: 15 },
      );
    } finally {
      iam.destroy();
      await endpoint.close(0);
    }
  });
});

describe('--dashboard and --no-dashboard', () => {
  const parse = (...args: string[]) => parseCommand(['serve', ...args], {}, () => '');
  it('set the dashboard on or off, leave the default to signatures, and do not go together', () => {
    const plain = parse();
    expect(plain.kind).toBe('serve');
    if (plain.kind === 'serve') expect(plain.config.dashboard).toBeUndefined();
    expect(parse('--dashboard')).toMatchObject({ kind: 'serve', config: { dashboard: true } });
    expect(parse('--no-dashboard')).toMatchObject({ kind: 'serve', config: { dashboard: false } });
    expect(parse('--dashboard', '--no-dashboard')).toEqual({ kind: 'error', message: '--dashboard and --no-dashboard: give one of them' });
  });
});

describe('the dashboard with IAM enforcement', () => {
  it('lists each authorisation decision with its principal, action, resource and why', async () => {
    const root = { accessKeyId: 'AKIDROOTDASH', secretAccessKey: 'root-secret' };
    const endpoint = await startIamEndpoint({
      dashboard: true,
      enforceIam: 'on',
      accountMap: { AKIDROOTDASH: { accountId: '123456789012' } },
      signatures: { secretAccessKeys: { AKIDROOTDASH: root.secretAccessKey } },
    });
    const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
      new IAMClient({ endpoint: endpoint.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    const asRoot = client(root);
    try {
      await asRoot.send(new CreateUserCommand({ UserName: 'carol' }));
      const key = (await asRoot.send(new CreateAccessKeyCommand({ UserName: 'carol' }))).AccessKey!;
      const asCarol = client({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
      await expect(asCarol.send(new CreateServiceSpecificCredentialCommand({ UserName: 'carol', ServiceName: 'bedrock.amazonaws.com' }))).rejects.toThrow(
        /not authorized to perform: iam:CreateServiceSpecificCredential/,
      );
      asCarol.destroy();
      const state = JSON.parse((await get(endpoint.dashboardUrl!.replace('/_iam-service-credentials/?', '/_iam-service-credentials/state?'))).body);
      expect(state.Decisions[0]).toMatchObject({
        Door: 'iam',
        Principal: 'arn:aws:iam::123456789012:user/carol',
        Action: 'iam:CreateServiceSpecificCredential',
        Resource: 'arn:aws:iam::123456789012:user/carol',
        Decision: 'implicit-deny',
        Mode: 'enforced',
        Explanation: 'no identity-based policy allows the action',
      });
      expect(state.Decisions.some((d: { Principal: string; Explanation: string }) => d.Explanation.startsWith("the account's root"))).toBe(true);
      expect(JSON.stringify(state)).not.toContain(key.SecretAccessKey!);
      expect(state.Accounts[0].Users[0].AccessKeys).toEqual([{ AccessKeyId: key.AccessKeyId, Status: 'Active', CreateDate: expect.any(String) }]);
    } finally {
      asRoot.destroy();
      await endpoint.close(0);
    }
  });
});
