import { ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { ACTION_RESOURCES } from '../../src/domain/action-resources.js';
import { type AuthorizationRequest, createCredentialEngine, createManualClock } from '../../src/index.js';
import { SUPPORTED_ACTIONS } from '../../src/protocol/query/index.js';

const ACCOUNT = '111111111111';
const NOW = new Date('2026-12-06T06:00:00.250Z');

/** An engine whose authorizer records what it is asked and allows it. */
const recordingEngine = () => {
  const asked: AuthorizationRequest[] = [];
  const engine = createCredentialEngine({
    accountId: ACCOUNT,
    clock: createManualClock(NOW),
    authorizer: {
      authorize: async (request) => {
        asked.push(request);
        return ok({ decision: 'allow', deciding: [] });
      },
    },
  });
  return { engine, asked };
};

const alice = { callerUserName: 'alice' };

describe('authorizeAction: what each action is authorised on', () => {
  it('names every action the endpoint answers (none falls back to * unseen)', () => {
    expect(SUPPORTED_ACTIONS.filter((action) => !Object.hasOwn(ACTION_RESOURCES, action))).toEqual([]);
  });

  it('uses the users’ and groups’ paths, the caller’s own user when UserName is absent, and * for the listings', async () => {
    const { engine } = recordingEngine();
    await engine.createUser({ UserName: 'alice', Path: '/team/' });
    await engine.createUser({ UserName: 'bob' });
    await engine.createGroup({ GroupName: 'builders', Path: '/eng/' });
    const resource = async (action: string, input: Record<string, unknown>) =>
      (await engine.authorizeAction({ action, input }, alice))._unsafeUnwrap().request.resource;
    expect(await resource('CreateServiceSpecificCredential', { UserName: 'bob', ServiceName: 'x' })).toBe(`arn:aws:iam::${ACCOUNT}:user/bob`);
    expect(await resource('ListServiceSpecificCredentials', {})).toBe(`arn:aws:iam::${ACCOUNT}:user/team/alice`);
    expect(await resource('ListServiceSpecificCredentials', { AllUsers: true })).toBe(`arn:aws:iam::${ACCOUNT}:user/*`);
    expect(await resource('ListAccessKeys', {})).toBe(`arn:aws:iam::${ACCOUNT}:user/team/alice`);
    expect(await resource('GetUser', { UserName: 'nobody' })).toBe(`arn:aws:iam::${ACCOUNT}:user/nobody`);
    expect(await resource('CreateUser', { UserName: 'carol', Path: '/ops/' })).toBe(`arn:aws:iam::${ACCOUNT}:user/ops/carol`);
    expect(await resource('ListUsers', {})).toBe('*');
    expect(await resource('AddUserToGroup', { GroupName: 'builders', UserName: 'bob' })).toBe(`arn:aws:iam::${ACCOUNT}:group/eng/builders`);
    expect(await resource('CreateGroup', { GroupName: 'ops' })).toBe(`arn:aws:iam::${ACCOUNT}:group/ops`);
    expect(await resource('CreatePolicy', { PolicyName: 'p', Path: '/x/' })).toBe(`arn:aws:iam::${ACCOUNT}:policy/x/p`);
    expect(await resource('GetPolicy', { PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
    expect(await resource('NoSuchAction', {})).toBe('*');
  });

  it('the caller: a user with its path and UserId; the account’s root, never handed to the authorizer', async () => {
    const { engine, asked } = recordingEngine();
    const { User } = (await engine.createUser({ UserName: 'alice', Path: '/team/' }))._unsafeUnwrap();
    const asUser = (await engine.authorizeAction({ action: 'GetUser', input: {} }, alice))._unsafeUnwrap();
    expect(asUser.request.principal).toEqual({ kind: 'user', accountId: ACCOUNT, arn: User.Arn, userName: 'alice', userId: User.UserId });
    expect(asUser.root).toBe(false);
    expect(asked).toHaveLength(1);
    const asRoot = (await engine.authorizeAction({ action: 'DeleteUser', input: { UserName: 'alice' } }, { accountId: ACCOUNT }))._unsafeUnwrap();
    expect(asRoot).toMatchObject({ root: true, decision: { decision: 'allow', deciding: [] } });
    expect(asRoot.request.principal).toEqual({ kind: 'root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root` });
    expect(asked).toHaveLength(1);
  });

  it('the condition keys: the time, how the request arrived, and Create’s service name and age', async () => {
    const { engine } = recordingEngine();
    await engine.createUser({ UserName: 'alice' });
    const call = {
      action: 'CreateServiceSpecificCredential',
      input: { UserName: 'alice', ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: 30 },
      facts: { sourceIp: '127.0.0.1', secureTransport: false, region: 'eu-west-1' },
    };
    const { context } = (await engine.authorizeAction(call, alice))._unsafeUnwrap().request;
    expect(context).toEqual({
      'aws:CurrentTime': '2026-12-06T06:00:00.250Z',
      'aws:EpochTime': String(Math.floor(NOW.getTime() / 1000)),
      'aws:SourceIp': '127.0.0.1',
      'aws:SecureTransport': 'false',
      'aws:RequestedRegion': 'eu-west-1',
      'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com',
      'iam:ServiceSpecificCredentialAgeDays': '30',
    });
    // Other actions carry no Create keys; a CredentialAgeDays that is no integer carries none either.
    const other = (await engine.authorizeAction({ action: 'GetUser', input: { ServiceName: 'x', CredentialAgeDays: 30 } }, alice))._unsafeUnwrap();
    expect(Object.keys(other.request.context).sort()).toEqual(['aws:CurrentTime', 'aws:EpochTime']);
    const text = await engine.authorizeAction({ action: 'CreateServiceSpecificCredential', input: { ServiceName: 'x', CredentialAgeDays: 'abc' } }, alice);
    expect(text._unsafeUnwrap().request.context['iam:ServiceSpecificCredentialAgeDays']).toBeUndefined();
  });

  it('an account id in the context that is none is the engine’s InvalidInput, as for the operation itself', async () => {
    const { engine } = recordingEngine();
    expect((await engine.authorizeAction({ action: 'ListUsers', input: {} }, { accountId: '12' }))._unsafeUnwrapErr().code).toBe('InvalidInput');
  });
});

describe('decisionLine', () => {
  it('names the deciding statements, and keeps request text on one printable line', async () => {
    const { decisionLine } = await import('../../src/protocol/query/index.js');
    const request = {
      principal: { kind: 'user' as const, accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, userName: 'alice' },
      action: 'iam:GetUser',
      resource: `arn:aws:iam::${ACCOUNT}:user/evil\nforged line`,
      context: {},
    };
    const line = decisionLine(
      {
        request,
        root: false,
        decision: {
          decision: 'explicit-deny',
          deciding: [
            { source: { kind: 'managed', policyArn: 'arn:aws:iam::aws:policy/P', policyName: 'P' }, sid: 'S1', statementIndex: 0 },
            { source: { kind: 'group-inline', groupName: 'g', policyName: 'q' }, statementIndex: 2 },
          ],
        },
      },
      'on',
    );
    expect(line).toBe(
      `iam-authz principal=arn:aws:iam::${ACCOUNT}:user/alice action=iam:GetUser resource=arn:aws:iam::${ACCOUNT}:user/evil?forged?line decision=explicit-deny outcome=denied deciding=arn:aws:iam::aws:policy/P#S1,inline:group/g/q#statement-2`,
    );
  });
});
