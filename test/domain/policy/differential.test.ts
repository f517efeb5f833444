/**
 * Differential test: our evaluator against @cloud-copilot/iam-simulate, an independent implementation of IAM's evaluation, on
 * generated identity policies and requests. That package is AGPL-3.0: a devDependency of this test only, never imported by src/.
 *
 * Where the two legitimately differ, the generators stay away from the difference (arbitraries.ts), each for a reason AWS's
 * documentation gives; docs/fidelity.md ("Policy evaluation") lists them:
 *  - iam-simulate compares an ARN's partition, service, region and account without regard to case; AWS documents ARNs in the
 *    Resource element as case-sensitive. The generated ARNs are lower-case in those parts, so case never decides.
 *  - A variable in an ARN's account part (`arn:aws:iam::${aws:PrincipalAccount}:user/*`): iam-simulate splits the ARN at its
 *    colons before it substitutes, and the variable's own colon (`aws:`) moves the parts; IAM substitutes the variable. Such
 *    statements are left out here (the property tests cover them: a variable decides as its value written in its place).
 *  - A date in epoch seconds compared with an ISO 8601 date: iam-simulate reads the epoch number as milliseconds' peer without
 *    scaling it (seconds against milliseconds), so `1780315200` is not `2026-06-01T12:00:00Z` there; AWS documents epoch dates in
 *    seconds (`aws:EpochTime`). The generated requests carry ISO dates, and statements with epoch values are left out.
 *  - The IPv4 block `0.0.0.0/0`: iam-simulate builds its mask with `-1 << 32`, which JavaScript reads as `-1 << 0`, so the block
 *    holds only 0.0.0.0; a /0 block holds every IPv4 address. Left out.
 *  - An address of one family against a block of the other: iam-simulate reads the pair as an error, which no operator matches,
 *    so NotIpAddress with IPv4 blocks is false for an IPv6 address. The address is outside those blocks, so AWS's NotIpAddress
 *    holds (AWS warns that IPv4-only NotIpAddress conditions match every IPv6 request). Left out: such pairs are not compared.
 *  - `ForAnyValue:…IfExists` on a missing key: AWS documents IfExists as true when the key is absent; iam-simulate answers false.
 *    Not generated.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluatePolicies } from '../../../src/domain/policy/index.js';
import { generatedRequest, policyJson, type GeneratedRequest } from './arbitraries.js';
import { policy, propertyRuns, request, user } from './support.js';

const comparablePolicy = policyJson.filter((document) => {
  const text = JSON.stringify(document);
  return !text.includes(':${aws:PrincipalAccount}:') && !/"aws:CurrentTime":"\d+"/.test(text) && !text.includes('0.0.0.0/0');
});

/** Whether the request's address and a block of an IpAddress/NotIpAddress condition are of different families. */
const mixesAddressFamilies = (generated: GeneratedRequest, documents: readonly unknown[]): boolean => {
  const address = generated.context['aws:SourceIp'];
  if (typeof address !== 'string') return false;
  const blocks = JSON.stringify(documents).match(/"aws:SourceIp":\[[^\]]*\]/g) ?? [];
  return blocks.some((block) => (address.includes(':') ? /\d+\.\d+/.test(block) : /[0-9a-f]+::/.test(block)));
};

const SIMULATED: Record<string, 'allow' | 'explicit-deny' | 'implicit-deny'> = {
  Allowed: 'allow',
  ExplicitlyDenied: 'explicit-deny',
  ImplicitlyDenied: 'implicit-deny',
};

const simulate = async (generated: GeneratedRequest, documents: readonly unknown[]): Promise<string> => {
  const principal = user(generated.userName, generated.accountId);
  const simulation: Simulation = {
    identityPolicies: documents.map((document, index) => ({ name: `P${index}`, policy: document as never })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    request: {
      action: generated.action,
      principal: principal.arn,
      resource: { accountId: generated.accountId, resource: generated.resource },
      // iam-simulate takes the principal's keys from the context; our evaluator derives them from the principal.
      contextVariables: {
        'aws:username': principal.userName ?? '',
        'aws:userid': principal.userId ?? '',
        'aws:PrincipalArn': principal.arn,
        'aws:PrincipalAccount': principal.accountId,
        'aws:PrincipalType': 'User',
        ...(generated.context as Record<string, string | string[]>),
      },
    },
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`iam-simulate refused the simulation: ${JSON.stringify(result.errors)}`);
  return SIMULATED[result.overallResult] ?? result.overallResult;
};

describe('evaluatePolicies agrees with @cloud-copilot/iam-simulate', () => {
  it('on generated identity policies and requests', async () => {
    const seen = { allow: 0, 'explicit-deny': 0, 'implicit-deny': 0 };
    await fc.assert(
      fc.asyncProperty(generatedRequest, fc.array(comparablePolicy, { maxLength: 3 }), async (generated, documents) => {
        fc.pre(!mixesAddressFamilies(generated, documents));
        const ours = evaluatePolicies(
          request(user(generated.userName, generated.accountId), generated.action, generated.resource, generated.context),
          documents.map((document) => policy(document)),
        ).decision;
        expect(ours).toBe(await simulate(generated, documents));
        seen[ours] += 1;
      }),
      propertyRuns(500),
    );
    // The comparison is worth something only if the generated cases reach every outcome often.
    const runs = propertyRuns(500).numRuns;
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(runs / 50);
  }, 120_000);
});
