import { CODECOMMIT, newEngine, ok } from './lib/engine-fixture.js';
import { type BenchTask, measureRounds, type RoundOptions } from './lib/measure.js';
import type { ResultRow } from './lib/results.js';

const POLICIES = 5;
const STATEMENTS_PER_POLICY = 7;

/**
 * One of the user's managed policies: statements that do not apply to Create/Delete (other actions, another user's ARN, a condition
 * on another service), a Deny that does not match, and, in the last policy, the Allow that decides.
 */
const policyDocument = (index: number): string => {
  const statements: unknown[] = [];
  for (let n = 0; n < STATEMENTS_PER_POLICY - 1; n += 1) {
    statements.push(
      n % 3 === 0
        ? { Sid: `Other${index}x${n}`, Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListUsers'], Resource: '*' }
        : n % 3 === 1
          ? { Sid: `Elsewhere${index}x${n}`, Effect: 'Allow', Action: 'iam:*ServiceSpecificCredential', Resource: `arn:aws:iam::*:user/team${n}/*` }
          : {
              Sid: `NoLongBedrock${index}x${n}`,
              Effect: 'Deny',
              Action: 'iam:CreateServiceSpecificCredential',
              Resource: '*',
              Condition: { StringEquals: { 'iam:ServiceSpecificCredentialServiceName': 'bedrock.amazonaws.com' }, NumericGreaterThan: { 'iam:ServiceSpecificCredentialAgeDays': '90' } },
            },
    );
  }
  statements.push(
    index === POLICIES - 1
      ? { Sid: 'SelfManage', Effect: 'Allow', Action: ['iam:CreateServiceSpecificCredential', 'iam:DeleteServiceSpecificCredential'], Resource: 'arn:aws:iam::*:user/${aws:username}' }
      : { Sid: `Unused${index}`, Effect: 'Allow', Action: 'iam:ListAccessKeys', Resource: 'arn:aws:iam::*:user/${aws:username}' },
  );
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
};

/**
 * Create+Delete in-process by a user with 5 attached customer managed policies (35 statements), with every action authorised first
 * (`engine.authorizeAction`, as `--enforce-iam on` does before running it) and without; and the decisions per second alone.
 */
export const runEnforcement = async (options: RoundOptions & { readonly perBatch: number }): Promise<ResultRow[]> => {
  const engine = newEngine();
  await ok(engine.createUser({ UserName: 'alice' }));
  for (let index = 0; index < POLICIES; index += 1) {
    const { Policy } = await ok(engine.createPolicy({ PolicyName: `guardrail-${index}`, PolicyDocument: policyDocument(index) }));
    await ok(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: Policy.Arn }));
  }
  const ctx = { callerUserName: 'alice' };
  const createInput = { UserName: 'alice', ServiceName: CODECOMMIT };
  const authorised = async (action: string, input: Record<string, unknown>): Promise<void> => {
    const decided = await ok(engine.authorizeAction({ action, input }, ctx));
    if (decided.decision.decision !== 'allow') throw new Error(`benchmark: ${action} was not allowed`);
  };
  const pair = async (enforce: boolean): Promise<void> => {
    if (enforce) await authorised('CreateServiceSpecificCredential', createInput);
    const created = await ok(engine.createServiceSpecificCredential(createInput, ctx));
    const deleteInput = { UserName: 'alice', ServiceSpecificCredentialId: created.ServiceSpecificCredential.ServiceSpecificCredentialId };
    if (enforce) await authorised('DeleteServiceSpecificCredential', deleteInput);
    await ok(engine.deleteServiceSpecificCredential(deleteInput, ctx));
  };
  const { perBatch } = options;
  const repeat = (name: string, operation: () => Promise<unknown>): BenchTask => ({
    name,
    perBatch,
    batch: async () => {
      for (let index = 0; index < perBatch; index += 1) await operation();
    },
  });
  const rates = await measureRounds(
    [
      repeat('off', () => pair(false)),
      repeat('on', () => pair(true)),
      repeat('decisions', () => authorised('CreateServiceSpecificCredential', createInput)),
    ],
    options,
  );
  const of = (name: string): number => rates.get(name) ?? Number.NaN;
  const section = 'Enforcement (in-process, a user with 5 attached policies, 35 statements)';
  return [
    { id: 'enforce.create-delete-off', section, label: 'Create+Delete, enforcement off', value: of('off'), unit: 'pairs/s' },
    {
      id: 'enforce.create-delete-on',
      section,
      label: 'Create+Delete, each action authorised first',
      value: of('on'),
      unit: 'pairs/s',
      baseline: { label: 'enforcement off', value: of('off') },
      ratio: of('on') / of('off'),
      target: '>= 0.5x enforcement off',
      met: of('on') / of('off') >= 0.5,
    },
    { id: 'enforce.decisions', section, label: 'Authorisation decisions (CreateServiceSpecificCredential, allowed)', value: of('decisions'), unit: 'decisions/s' },
  ];
};
