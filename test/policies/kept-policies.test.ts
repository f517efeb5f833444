/**
 * The default authorizer over the synchronous in-memory face keeps each user's gathered policies until the policy store's change
 * count moves; over the async ports it gathers them for every decision. Whatever the policy operations do in between, the two must
 * decide alike: every write has to be seen by the next decision.
 */
import fc from 'fast-check';
import type { ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizationRequest,
  createInMemoryPolicyStore,
  createInMemoryStore,
  createInMemoryUserDirectory,
  type CredentialEngine,
  type IamError,
} from '../../src/index.js';
import { okOf, setup } from '../engine/support.js';

const ACCOUNT = '123456789012';
const CREATE = 'iam:CreateServiceSpecificCredential';
const SELF_MANAGE = 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials';
const USERS = ['alice', 'bob'] as const;
const GROUPS = ['devs', 'ops'] as const;
const MANAGED = ['m1', 'm2'] as const;
const userArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const managedArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

const DOCUMENTS = [
  { Version: '2012-10-17', Statement: [{ Sid: 'Create', Effect: 'Allow', Action: CREATE, Resource: '*' }] },
  { Version: '2012-10-17', Statement: [{ Sid: 'Self', Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:user/${aws:username}' }] },
  { Version: '2012-10-17', Statement: [{ Sid: 'NoCreate', Effect: 'Deny', Action: CREATE, Resource: '*' }] },
].map((document) => JSON.stringify(document));

const user = fc.constantFrom(...USERS);
const group = fc.constantFrom(...GROUPS);
const policyName = fc.constantFrom('p1', 'p2');
const document = fc.constantFrom(...DOCUMENTS);
const attachable = fc.constantFrom(...MANAGED.map(managedArn), SELF_MANAGE);

/** One policy operation, applied alike to both engines (its answer, refusals included, must be the same on both). */
type Step = (engine: CredentialEngine) => Promise<unknown>;
const answer = async <T>(result: ResultAsync<T, IamError>): Promise<string> => {
  const settled = await result;
  return settled.isOk() ? 'ok' : settled.error.code;
};
const step: fc.Arbitrary<[string, Step]> = fc.oneof(
  fc.tuple(user, policyName, document).map(([u, p, d]): [string, Step] => [`putUserPolicy ${u} ${p}`, (e) => answer(e.putUserPolicy({ UserName: u, PolicyName: p, PolicyDocument: d }))]),
  fc.tuple(user, policyName).map(([u, p]): [string, Step] => [`deleteUserPolicy ${u} ${p}`, (e) => answer(e.deleteUserPolicy({ UserName: u, PolicyName: p }))]),
  fc.tuple(fc.constantFrom(...MANAGED), document).map(([m, d]): [string, Step] => [`createPolicy ${m}`, (e) => answer(e.createPolicy({ PolicyName: m, PolicyDocument: d }))]),
  fc.constantFrom(...MANAGED).map((m): [string, Step] => [`deletePolicy ${m}`, (e) => answer(e.deletePolicy({ PolicyArn: managedArn(m) }))]),
  fc.tuple(user, attachable).map(([u, a]): [string, Step] => [`attachUserPolicy ${u} ${a}`, (e) => answer(e.attachUserPolicy({ UserName: u, PolicyArn: a }))]),
  fc.tuple(user, attachable).map(([u, a]): [string, Step] => [`detachUserPolicy ${u} ${a}`, (e) => answer(e.detachUserPolicy({ UserName: u, PolicyArn: a }))]),
  group.map((g): [string, Step] => [`createGroup ${g}`, (e) => answer(e.createGroup({ GroupName: g }))]),
  group.map((g): [string, Step] => [`deleteGroup ${g}`, (e) => answer(e.deleteGroup({ GroupName: g }))]),
  fc.tuple(group, policyName, document).map(([g, p, d]): [string, Step] => [`putGroupPolicy ${g} ${p}`, (e) => answer(e.putGroupPolicy({ GroupName: g, PolicyName: p, PolicyDocument: d }))]),
  fc.tuple(group, policyName).map(([g, p]): [string, Step] => [`deleteGroupPolicy ${g} ${p}`, (e) => answer(e.deleteGroupPolicy({ GroupName: g, PolicyName: p }))]),
  fc.tuple(group, attachable).map(([g, a]): [string, Step] => [`attachGroupPolicy ${g} ${a}`, (e) => answer(e.attachGroupPolicy({ GroupName: g, PolicyArn: a }))]),
  fc.tuple(group, attachable).map(([g, a]): [string, Step] => [`detachGroupPolicy ${g} ${a}`, (e) => answer(e.detachGroupPolicy({ GroupName: g, PolicyArn: a }))]),
  fc.tuple(group, user).map(([g, u]): [string, Step] => [`addUserToGroup ${g} ${u}`, (e) => answer(e.addUserToGroup({ GroupName: g, UserName: u }))]),
  fc.tuple(group, user).map(([g, u]): [string, Step] => [`removeUserFromGroup ${g} ${u}`, (e) => answer(e.removeUserFromGroup({ GroupName: g, UserName: u }))]),
);

/** What each user may do: Create on itself and on the other user, and GetUser on itself. */
const decisions = async (engine: CredentialEngine, userIds: ReadonlyMap<string, string>): Promise<unknown[]> => {
  const asked: unknown[] = [];
  for (const name of USERS) {
    const principal = { kind: 'user' as const, accountId: ACCOUNT, arn: userArn(name), userName: name, userId: userIds.get(name) as string };
    for (const [action, resource] of [[CREATE, userArn(name)], [CREATE, userArn(name === 'alice' ? 'bob' : 'alice')], ['iam:GetUser', userArn(name)]] as const) {
      const request: AuthorizationRequest = { principal, action, resource, context: {} };
      asked.push(await okOf(engine.authorize(request)));
    }
  }
  return asked;
};

describe('the policies the default authorizer keeps between decisions', () => {
  it('decide as policies gathered afresh for every decision, whatever the policy operations in between', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const kept = setup().engine;
        const afresh = setup({ store: createInMemoryStore(), users: createInMemoryUserDirectory(), policies: createInMemoryPolicyStore() }).engine;
        const ids = async (engine: CredentialEngine): Promise<Map<string, string>> => {
          const found = new Map<string, string>();
          for (const name of USERS) found.set(name, (await okOf(engine.createUser({ UserName: name }))).User.UserId);
          return found;
        };
        const keptIds = await ids(kept);
        const afreshIds = await ids(afresh);
        // Groups and managed policies that grant something from the start, so that a single step (a membership, an attachment)
        // already changes a decision.
        for (const engine of [kept, afresh]) {
          for (const name of GROUPS) await okOf(engine.createGroup({ GroupName: name }));
          await okOf(engine.putGroupPolicy({ GroupName: 'devs', PolicyName: 'p1', PolicyDocument: DOCUMENTS[0] as string }));
          await okOf(engine.attachGroupPolicy({ GroupName: 'ops', PolicyArn: SELF_MANAGE }));
          for (const [index, name] of MANAGED.entries()) await okOf(engine.createPolicy({ PolicyName: name, PolicyDocument: DOCUMENTS[index * 2] as string }));
        }
        // Ask before the first step too, so that there is something kept for the step to make stale.
        expect(await decisions(kept, keptIds)).toEqual(await decisions(afresh, afreshIds));
        for (const [label, apply] of steps) {
          expect(await apply(kept), label).toEqual(await apply(afresh));
          expect(await decisions(kept, keptIds), label).toEqual(await decisions(afresh, afreshIds));
        }
      }),
      { numRuns: 60 },
    );
  });
});
