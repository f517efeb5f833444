import { describe, expect, it } from 'vitest';
import { createCredentialEngine, createManualClock, explainDecision } from '../../src/index.js';
import { authorizeAtDoor } from '../../src/protocol/front-doors.js';

const ACCOUNT = '111111111111';
const NOW = new Date('2026-12-06T06:00:00.250Z');
const REPO = `arn:aws:codecommit:us-east-1:${ACCOUNT}:demo`;

const engineWithAlice = async () => {
  const engine = createCredentialEngine({ accountId: ACCOUNT, clock: createManualClock(NOW) });
  const { User } = (await engine.createUser({ UserName: 'alice', Path: '/team/' }))._unsafeUnwrap();
  const push = (refs: readonly string[]) => ({
    principal: { accountId: ACCOUNT, userName: 'alice' },
    action: 'codecommit:GitPush',
    resource: REPO,
    context: { 'codecommit:References': refs },
  });
  return { engine, User, push };
};

const PROTECT_MAIN = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Push', Effect: 'Allow', Action: ['codecommit:GitPull', 'codecommit:GitPush'], Resource: 'arn:aws:codecommit:*:*:*' },
    {
      Sid: 'ProtectMain',
      Effect: 'Deny',
      Action: 'codecommit:GitPush',
      Resource: REPO,
      Condition: { 'ForAnyValue:StringEquals': { 'codecommit:References': ['refs/heads/main'] }, Null: { 'codecommit:References': 'false' } },
    },
  ],
});

describe('authorizePrincipal: a service action by an authenticated principal', () => {
  it('no policy: an implicit deny, asked with the user’s ARN (its path), UserId and the global keys', async () => {
    const { engine, User, push } = await engineWithAlice();
    const outcome = (await engine.authorizePrincipal(push(['refs/heads/main'])))._unsafeUnwrap();
    expect(outcome.root).toBe(false);
    expect(outcome.decision.decision).toBe('implicit-deny');
    expect(outcome.request.principal).toMatchObject({ kind: 'user', arn: User.Arn, userId: User.UserId });
    expect(outcome.request.context).toMatchObject({ 'aws:CurrentTime': NOW.toISOString(), 'codecommit:References': ['refs/heads/main'] });
    expect(explainDecision(outcome)).toBe('no identity-based policy allows the action');
  });

  it('a multivalued service key decides: a push to main is denied, to feature allowed, each with its statement', async () => {
    const { engine, push } = await engineWithAlice();
    await engine.putUserPolicy({ UserName: 'alice', PolicyName: 'git', PolicyDocument: PROTECT_MAIN });
    const toMain = (await engine.authorizePrincipal(push(['refs/heads/feature', 'refs/heads/main'])))._unsafeUnwrap();
    const toFeature = (await engine.authorizePrincipal(push(['refs/heads/feature'])))._unsafeUnwrap();
    expect(toMain.decision.decision).toBe('explicit-deny');
    expect(explainDecision(toMain)).toBe('explicitly denied by inline:user/alice/git#ProtectMain');
    expect(toFeature.decision.decision).toBe('allow');
    expect(explainDecision(toFeature)).toBe('allowed by inline:user/alice/git#Push');
  });

  it('the account’s root (no user) is allowed without asking', async () => {
    const { engine } = await engineWithAlice();
    const outcome = (await engine.authorizePrincipal({ principal: { accountId: ACCOUNT }, action: 'bedrock:InvokeModel', resource: '*' }))._unsafeUnwrap();
    expect(outcome).toMatchObject({ root: true, decision: { decision: 'allow' } });
    expect(outcome.request.principal.arn).toBe(`arn:aws:iam::${ACCOUNT}:root`);
  });
});

describe('authorizeAtDoor: enforcement at a door', () => {
  it('off: allowed without asking or logging', async () => {
    const { engine, push } = await engineWithAlice();
    const verdict = (await authorizeAtDoor(engine, {}, 'git', push(['refs/heads/main'])))._unsafeUnwrap();
    expect(verdict).toEqual({ allowed: true, authorization: undefined });
  });

  it('on refuses and soft allows what the policies deny; both log one line naming the door and tell the dashboard', async () => {
    const { engine, push } = await engineWithAlice();
    for (const mode of ['on', 'soft'] as const) {
      const lines: string[] = [];
      const doors: (string | undefined)[] = [];
      const verdict = (
        await authorizeAtDoor(engine, { enforceIam: { mode, log: (line) => lines.push(line), onDecision: (_a, _m, door) => doors.push(door) } }, 'git', push(['refs/heads/main']))
      )._unsafeUnwrap();
      expect(verdict.allowed).toBe(mode === 'soft');
      expect(verdict.authorization?.decision.decision).toBe('implicit-deny');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('iam-authz door=git principal=arn:aws:iam::111111111111:user/team/alice action=codecommit:GitPush');
      expect(lines[0]).toContain(mode === 'soft' ? 'outcome=would-deny(soft)' : 'outcome=denied');
      expect(doors).toEqual(['git']);
    }
  });
});
