import { describe, expect, it } from 'vitest';
import {
  type AuthorizationRequest,
  createInMemoryPolicyStore,
  createInMemoryStore,
  createInMemoryUserDirectory,
  type CredentialEngine,
  type CredentialEngineOptions,
  type PolicyStore,
} from '../../src/index.js';
import { okOf, serviceFailure, setup } from '../engine/support.js';

const ACCOUNT = '123456789012';
const SELF_MANAGE = 'arn:aws:iam::aws:policy/IAMSelfManageServiceSpecificCredentials';
const CREATE = 'iam:CreateServiceSpecificCredential';
const userArn = (name: string): string => `arn:aws:iam::${ACCOUNT}:user/${name}`;

const asUser = (userName: string, userId: string | undefined, action: string, resource: string, context: Record<string, string> = {}): AuthorizationRequest => ({
  principal: { kind: 'user', accountId: ACCOUNT, arn: userArn(userName), userName, ...(userId === undefined ? {} : { userId }) },
  action,
  resource,
  context,
});

const faces: [string, () => CredentialEngineOptions][] = [
  ['synchronous in-memory face', () => ({})],
  ['async ports', () => ({ store: createInMemoryStore(), users: createInMemoryUserDirectory(), policies: createInMemoryPolicyStore() })],
];

const userIdOf = async (engine: CredentialEngine, userName: string): Promise<string> => (await okOf(engine.createUser({ UserName: userName }))).User.UserId;

describe.each(faces)('the default authorizer (%s)', (_face, options) => {
  it('denies implicitly a user with no policy, and a user that does not exist', async () => {
    const { engine } = setup(options());
    const aliceId = await userIdOf(engine, 'alice');
    expect(await okOf(engine.authorize(asUser('alice', aliceId, CREATE, userArn('alice'))))).toEqual({ decision: 'implicit-deny', deciding: [] });
    expect(await okOf(engine.authorize(asUser('ghost', undefined, CREATE, userArn('ghost'))))).toEqual({ decision: 'implicit-deny', deciding: [] });
  });

  it('with IAMSelfManageServiceSpecificCredentials attached, allows the own user and not another', async () => {
    const { engine } = setup(options());
    const aliceId = await userIdOf(engine, 'alice');
    await userIdOf(engine, 'bob');
    await okOf(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: SELF_MANAGE }));
    const own = await okOf(engine.authorize(asUser('alice', aliceId, CREATE, userArn('alice'))));
    expect(own).toEqual({
      decision: 'allow',
      deciding: [{ source: { kind: 'managed', policyArn: SELF_MANAGE, policyName: 'IAMSelfManageServiceSpecificCredentials' }, statementIndex: 0 }],
    });
    expect((await okOf(engine.authorize(asUser('alice', aliceId, CREATE, userArn('bob'))))).decision).toBe('implicit-deny');
    // the principal named without its id is looked up
    expect((await okOf(engine.authorize(asUser('alice', undefined, CREATE, userArn('alice'))))).decision).toBe('allow');
  });

  it("an inline Deny on the service name wins over the managed Allow, naming its Sid", async () => {
    const { engine } = setup(options());
    const aliceId = await userIdOf(engine, 'alice');
    await okOf(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: SELF_MANAGE }));
    const deny = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'NoCodeCommit',
          Effect: 'Deny',
          Action: CREATE,
          Resource: '*',
          Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'codecommit.amazonaws.com' } },
        },
      ],
    };
    await okOf(engine.putUserPolicy({ UserName: 'alice', PolicyName: 'guardrail', PolicyDocument: JSON.stringify(deny) }));
    const codecommit = await okOf(
      engine.authorize(asUser('alice', aliceId, CREATE, userArn('alice'), { 'iam:ServiceSpecificCredentialServiceName': 'codecommit.amazonaws.com' })),
    );
    expect(codecommit).toEqual({
      decision: 'explicit-deny',
      deciding: [{ source: { kind: 'user-inline', userName: 'alice', policyName: 'guardrail' }, sid: 'NoCodeCommit', statementIndex: 0 }],
    });
    const bedrock = await okOf(
      engine.authorize(asUser('alice', aliceId, CREATE, userArn('alice'), { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com' })),
    );
    expect(bedrock.decision).toBe('allow');
  });

  it("a group's attached and inline policies apply to its members only while they are members", async () => {
    const { engine } = setup(options());
    const carolId = await userIdOf(engine, 'carol');
    await okOf(engine.createGroup({ GroupName: 'devs' }));
    await okOf(engine.attachGroupPolicy({ GroupName: 'devs', PolicyArn: SELF_MANAGE }));
    const readUsers = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] };
    await okOf(engine.putGroupPolicy({ GroupName: 'devs', PolicyName: 'read', PolicyDocument: JSON.stringify(readUsers) }));
    expect((await okOf(engine.authorize(asUser('carol', carolId, CREATE, userArn('carol'))))).decision).toBe('implicit-deny');
    await okOf(engine.addUserToGroup({ GroupName: 'devs', UserName: 'carol' }));
    expect((await okOf(engine.authorize(asUser('carol', carolId, CREATE, userArn('carol'))))).decision).toBe('allow');
    expect(await okOf(engine.authorize(asUser('carol', carolId, 'iam:GetUser', userArn('bob'))))).toEqual({
      decision: 'allow',
      deciding: [{ source: { kind: 'group-inline', groupName: 'devs', policyName: 'read' }, sid: 'Read', statementIndex: 0 }],
    });
    await okOf(engine.removeUserFromGroup({ GroupName: 'devs', UserName: 'carol' }));
    expect((await okOf(engine.authorize(asUser('carol', carolId, CREATE, userArn('carol'))))).decision).toBe('implicit-deny');
  });

  it('a customer managed policy attached to the user decides, and stops deciding once detached', async () => {
    const { engine } = setup(options());
    const aliceId = await userIdOf(engine, 'alice');
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*ServiceSpecificCredential*', Resource: '*' }] };
    const { Policy } = await okOf(engine.createPolicy({ PolicyName: 'AllCredentials', PolicyDocument: JSON.stringify(document) }));
    await okOf(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: Policy.Arn }));
    expect(await okOf(engine.authorize(asUser('alice', aliceId, 'iam:ResetServiceSpecificCredential', userArn('bob'))))).toEqual({
      decision: 'allow',
      deciding: [{ source: { kind: 'managed', policyArn: Policy.Arn, policyName: 'AllCredentials' }, statementIndex: 0 }],
    });
    await okOf(engine.detachUserPolicy({ UserName: 'alice', PolicyArn: Policy.Arn }));
    expect((await okOf(engine.authorize(asUser('alice', aliceId, 'iam:ResetServiceSpecificCredential', userArn('bob'))))).decision).toBe('implicit-deny');
  });
});

describe('the default authorizer over a failing store', () => {
  it('answers ServiceFailure and tells onInternalError why', async () => {
    const failures: unknown[] = [];
    const broken = new Error('policy store down');
    const policies = createInMemoryPolicyStore();
    const failing: PolicyStore = { ...policies, listInlinePolicies: () => Promise.reject(broken) };
    const { engine } = setup({ store: createInMemoryStore(), users: createInMemoryUserDirectory(), policies: failing, onInternalError: (e) => failures.push(e) });
    const error = await engine.authorize(asUser('alice', 'AIDAEXAMPLEEXAMPLE00', CREATE, userArn('alice')));
    expect(error.isErr() && error.error).toEqual(serviceFailure);
    expect(failures).toEqual([broken]);
  });
});

describe('the AWS managed policies the authorizer evaluates', () => {
  it('parses every one of them but the few whose resources the document parser refuses, which grant nothing and are reported', async () => {
    const { awsManagedPolicies } = await import('../../src/index.js');
    const { parsePolicyDocument } = await import('../../src/domain/policy/index.js');
    const refused = awsManagedPolicies
      .list()
      .filter((policy) => parsePolicyDocument(policy.document, { acceptLegacyVersion: true }).isErr())
      .map((policy) => `arn:aws:iam::aws:policy${policy.path}${policy.policyName}`);
    expect(awsManagedPolicies.list().length).toBeGreaterThan(1500);
    expect(refused.length).toBeLessThanOrEqual(4);
    const failures: unknown[] = [];
    const { engine } = setup({ onInternalError: (e) => failures.push(e) });
    const userId = await userIdOf(engine, 'auditor');
    for (const arn of refused) await okOf(engine.attachUserPolicy({ UserName: 'auditor', PolicyArn: arn }));
    await okOf(engine.attachUserPolicy({ UserName: 'auditor', PolicyArn: SELF_MANAGE }));
    expect((await okOf(engine.authorize(asUser('auditor', userId, CREATE, userArn('auditor'))))).decision).toBe('allow');
    expect(failures).toHaveLength(refused.length);
  });
});
