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

/**
 * Over HTTP: GetUser signed by the user's own issued key (allowed by one of its 35 statements), against a listener that verifies
 * signatures, and one that also enforces. The same signed request is sent again and again (valid for 15 minutes), `concurrency` at a
 * time, over keep-alive connections; both listeners run in this process.
 */
export const runEnforcementHttp = async (options: RoundOptions & { readonly perBatch: number; readonly concurrency: number }): Promise<ResultRow[]> => {
  const { createQueryServer } = await import('../src/protocol/query/index.js');
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { NodeSha256 } = await import('../src/protocol/sigv4/verify-signature.js');
  const root = { accessKeyId: 'AKIDBENCHROOT', secretAccessKey: 'bench-root-secret-000000000000000000000000' };
  const engine = newEngine({ accountId: '111111111111' });
  await ok(engine.createUser({ UserName: 'alice' }));
  for (let index = 0; index < POLICIES; index += 1) {
    const { Policy } = await ok(engine.createPolicy({ PolicyName: `guardrail-${index}`, PolicyDocument: policyDocument(index) }));
    await ok(engine.attachUserPolicy({ UserName: 'alice', PolicyArn: Policy.Arn }));
  }
  const { AccessKey } = await ok(engine.createAccessKey({ UserName: 'alice' }));
  const signatures = { secretAccessKeys: { [root.accessKeyId]: root.secretAccessKey } };
  let decisions = 0;
  const countDecision = (): void => {
    decisions += 1;
  };
  const listen = async (enforce: boolean) => {
    const server = createQueryServer(engine, {
      accountMap: { [root.accessKeyId]: { accountId: '111111111111' } },
      signatures,
      ...(enforce ? { enforceIam: { mode: 'on' as const, log: countDecision } } : {}),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const body = 'Action=GetUser&Version=2010-05-08';
    const signer = new SignatureV4({ service: 'iam', region: 'us-east-1', credentials: { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey }, sha256: NodeSha256 });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      path: '/',
      query: {},
      headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const headers = signed.headers as Record<string, string>;
    const send = async (): Promise<void> => {
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body });
      await response.text();
      if (response.status !== 200) throw new Error(`benchmark: GetUser answered ${response.status}`);
    };
    return { server, send };
  };
  const plain = await listen(false);
  const enforced = await listen(true);
  const { perBatch, concurrency } = options;
  const task = (name: string, send: () => Promise<void>): BenchTask => ({
    name,
    perBatch,
    batch: async () => {
      let left = perBatch;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left > 0) {
            left -= 1;
            await send();
          }
        }),
      );
    },
  });
  try {
    const rates = await measureRounds([task('signed', plain.send), task('enforced', enforced.send)], options);
    // The enforcing listener did decide (a benchmark of a listener that skipped the work would be worthless).
    if (decisions === 0) throw new Error('benchmark: the enforcing listener made no decision');
    const signed = rates.get('signed') ?? Number.NaN;
    const both = rates.get('enforced') ?? Number.NaN;
    const section = 'Enforcement (in-process, a user with 5 attached policies, 35 statements)';
    return [
      { id: 'enforce.http-signed', section, label: `HTTP GetUser, signatures verified (${concurrency} concurrent)`, value: signed, unit: 'req/s' },
      {
        id: 'enforce.http-signed-enforced',
        section,
        label: `HTTP GetUser, signatures and enforcement (${concurrency} concurrent)`,
        value: both,
        unit: 'req/s',
        baseline: { label: 'signatures alone', value: signed },
        ratio: both / signed,
        target: '>= 0.5x signatures alone',
        met: both / signed >= 0.5,
      },
    ];
  } finally {
    for (const { server } of [plain, enforced]) {
      server.closeAllConnections();
      server.close();
    }
  }
};
