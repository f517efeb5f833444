import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CredentialEngine } from '../../src/index.js';
import { ACCOUNT, BEDROCK, CODECOMMIT, DAY_MS, KEYSPACES, T0, okOf, setup } from './support.js';

const SERVICES = [CODECOMMIT, KEYSPACES, BEDROCK] as const;

/** User names built to collide: `a`, `A`, `a+1`, `a+1+1`, `b+2`, ... */
const collidingUserName = fc
  .tuple(fc.constantFrom('a', 'A', 'b', 'dev'), fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }))
  .map(([base, suffixes]) => base + suffixes.map((n) => `+${n}`).join(''));

type Step =
  | { kind: 'create'; user: number; service: number; age: number | undefined }
  | { kind: 'delete'; pick: number }
  | { kind: 'deactivate'; pick: number }
  | { kind: 'advance'; days: number };

const stepArb = (users: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('create' as const), user: fc.nat({ max: users - 1 }), service: fc.nat({ max: 2 }), age: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deactivate' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 0, max: 2 }) }) },
  );

const allCredentials = async (engine: CredentialEngine) =>
  (await okOf(engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: 1000 }))).ServiceSpecificCredentials;

/** Runs steps against an engine, checking the quota and the naming rule at every Create. */
const runSteps = async (userNames: string[], steps: Step[]) => {
  const { engine, clock } = setup();
  const created: string[] = [];
  for (const name of userNames) {
    const result = await engine.createUser({ UserName: name });
    if (result.isOk()) created.push(result.value.User.UserName);
  }
  for (const step of steps) {
    const before = await allCredentials(engine);
    if (step.kind === 'create') {
      const userName = created[step.user % created.length] as string;
      const service = SERVICES[step.service] as string;
      const age = service === BEDROCK ? step.age : undefined;
      const result = await engine.createServiceSpecificCredential({ UserName: userName, ServiceName: service, ...(age === undefined ? {} : { CredentialAgeDays: age }) });
      const mine = before.filter((c) => c.UserName === userName && c.ServiceName === service);
      // quota: Create succeeds exactly when fewer than 2 exist, whatever their status
      expect(result.isOk()).toBe(mine.length < 2);
      if (result.isErr()) expect(result.error.code).toBe('LimitExceeded');
      else {
        const credential = result.value.ServiceSpecificCredential;
        const name = credential.ServiceUserName ?? credential.ServiceCredentialAlias ?? '';
        const taken = new Set(
          before.filter((c) => c.ServiceName === service).map((c) => (c.ServiceUserName ?? c.ServiceCredentialAlias ?? '').toLowerCase()),
        );
        // naming: the smallest free candidate
        let n = 0;
        const candidate = (k: number) => (k === 0 ? `${userName}-at-${ACCOUNT}` : `${userName}+${k}-at-${ACCOUNT}`);
        while (taken.has(candidate(n).toLowerCase())) n += 1;
        expect(name).toBe(candidate(n));
      }
    } else if (step.kind === 'delete' || step.kind === 'deactivate') {
      const target = before[step.pick % Math.max(before.length, 1)];
      if (target === undefined) continue;
      const request = { UserName: target.UserName, ServiceSpecificCredentialId: target.ServiceSpecificCredentialId };
      if (step.kind === 'delete') await okOf(engine.deleteServiceSpecificCredential(request));
      else await okOf(engine.updateServiceSpecificCredential({ ...request, Status: 'Inactive' }));
    } else {
      clock.advance(step.days * DAY_MS);
    }
  }
  return engine;
};

describe('properties', () => {
  it('quota: never more than 2 credentials per user and service; Create fails exactly at the third', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(collidingUserName, { minLength: 1, maxLength: 4 }), fc.array(stepArb(4), { maxLength: 30 }), async (users, steps) => {
        const engine = await runSteps(users, steps);
        const counts = new Map<string, number>();
        for (const c of await allCredentials(engine)) {
          const key = `${c.UserName.toLowerCase()}|${c.ServiceName}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        for (const count of counts.values()) expect(count).toBeLessThanOrEqual(2);
      }),
      { numRuns: 60 },
    );
  });

  it('ServiceUserName/alias: unique per service and account regardless of case, even with users literally named x+N', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(collidingUserName, { minLength: 1, maxLength: 5 }), fc.array(stepArb(5), { maxLength: 40 }), async (users, steps) => {
        const engine = await runSteps(users, steps);
        const seen = new Set<string>();
        for (const c of await allCredentials(engine)) {
          const key = `${c.ServiceName}|${(c.ServiceUserName ?? c.ServiceCredentialAlias ?? '').toLowerCase()}`;
          expect(seen.has(key)).toBe(false);
          seen.add(key);
          expect(c.ServiceName === BEDROCK ? c.ServiceCredentialAlias : c.ServiceUserName).toMatch(/^[\w+=,.@-]+-at-\d{12}$/);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('Reset keeps everything but the secret, and only the new secret works', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SERVICES),
        fc.constantFrom('Active' as const, 'Inactive' as const),
        fc.integer({ min: 0, max: 5 * DAY_MS }),
        async (service, status, elapsed) => {
          const { engine, clock } = setup();
          await okOf(engine.createUser({ UserName: 'u' }));
          const created = (await okOf(engine.createServiceSpecificCredential({ UserName: 'u', ServiceName: service }))).ServiceSpecificCredential;
          const id = created.ServiceSpecificCredentialId;
          await okOf(engine.updateServiceSpecificCredential({ UserName: 'u', ServiceSpecificCredentialId: id, Status: status }));
          clock.advance(elapsed);
          const reset = (await okOf(engine.resetServiceSpecificCredential({ UserName: 'u', ServiceSpecificCredentialId: id }))).ServiceSpecificCredential;
          const { ServicePassword: _p1, ServiceCredentialSecret: _s1, ...keptBefore } = created;
          const { ServicePassword: newPassword, ServiceCredentialSecret: newSecret, ...keptAfter } = reset;
          expect(keptAfter).toEqual({ ...keptBefore, Status: status });
          const oldShown = created.ServicePassword ?? created.ServiceCredentialSecret;
          const newShown = newPassword ?? newSecret;
          expect(newShown).toBeDefined();
          expect(newShown).not.toBe(oldShown);
          const login = (secret: string) =>
            service === BEDROCK
              ? engine.authenticateApiKey({ ServiceName: service, ApiKey: secret })
              : engine.authenticate({ ServiceName: service, ServiceUserName: created.ServiceUserName as string, ServicePassword: secret });
          expect((await login(oldShown as string)).isOk()).toBe(false);
          expect((await login(newShown as string)).isOk()).toBe(status === 'Active');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('expiry: a key reads Expired, and cannot authenticate, exactly when now >= ExpirationDate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 36600 }), fc.integer({ min: -DAY_MS, max: DAY_MS }), async (days, offset) => {
        const { engine, clock } = setup();
        await okOf(engine.createUser({ UserName: 'u' }));
        const key = (await okOf(engine.createServiceSpecificCredential({ UserName: 'u', ServiceName: BEDROCK, CredentialAgeDays: days }))).ServiceSpecificCredential;
        const expiration = key.ExpirationDate as Date;
        expect(expiration.getTime()).toBe(T0.getTime() + days * DAY_MS);
        clock.set(new Date(expiration.getTime() + offset));
        const expired = offset >= 0;
        const [listed] = (await okOf(engine.listServiceSpecificCredentials({ UserName: 'u' }))).ServiceSpecificCredentials;
        expect(listed?.Status).toBe(expired ? 'Expired' : 'Active');
        const auth = await engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey: key.ServiceCredentialSecret as string });
        expect(auth.isOk()).toBe(!expired);
      }),
      { numRuns: 100 },
    );
  });

  it('determinism: same seed, same clock and same calls give byte-identical outputs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 12 }), fc.array(stepArb(3), { maxLength: 15 }), async (seed, steps) => {
        const transcript = async () => {
          const { engine, clock } = setup({}, seed);
          const out: unknown[] = [];
          for (const name of ['x', 'y', 'z']) out.push(await engine.createUser({ UserName: name }));
          for (const step of steps) {
            if (step.kind === 'create') {
              out.push(await engine.createServiceSpecificCredential({ UserName: ['x', 'y', 'z'][step.user % 3] as string, ServiceName: SERVICES[step.service] as string }));
            } else if (step.kind === 'advance') clock.advance(step.days * DAY_MS);
            else {
              const all = await allCredentials(engine);
              const target = all[step.pick % Math.max(all.length, 1)];
              if (target !== undefined) {
                out.push(await engine.resetServiceSpecificCredential({ UserName: target.UserName, ServiceSpecificCredentialId: target.ServiceSpecificCredentialId }));
              }
            }
          }
          out.push(await engine.listServiceSpecificCredentials({ AllUsers: true }));
          return JSON.stringify(out);
        };
        expect(await transcript()).toBe(await transcript());
      }),
      { numRuns: 30 },
    );
  });

  it('round trip: every Bedrock secret decodes to its alias and a 44-byte secret', async () => {
    const userName = fc.stringMatching(/^[\w+=,.@-]{1,64}$/);
    await fc.assert(
      fc.asyncProperty(userName, async (name) => {
        const { engine } = setup();
        await okOf(engine.createUser({ UserName: name }));
        const key = (await okOf(engine.createServiceSpecificCredential({ UserName: name, ServiceName: BEDROCK }))).ServiceSpecificCredential;
        const secret = key.ServiceCredentialSecret as string;
        expect(secret.startsWith('ABSK')).toBe(true);
        const decoded = Buffer.from(secret.slice(4), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        expect(decoded.slice(0, colon)).toBe(key.ServiceCredentialAlias);
        expect(key.ServiceCredentialAlias).toBe(`${name}-at-${ACCOUNT}`);
        expect(Buffer.from(decoded.slice(colon + 1), 'base64')).toHaveLength(44);
      }),
      { numRuns: 100 },
    );
  });
});
