/**
 * The in-memory store keeps CreateDate as whole seconds and the milliseconds left over (so that V8 keeps both inside the object):
 * any Date a clock can give, from the first to the last one JavaScript has, negative and with milliseconds, reads back exactly and
 * lists in the same order as the dates themselves, ties by id.
 */
import fc from 'fast-check';
import { ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { createImmediateStore } from '../../src/adapters/memory/in-memory-store.js';
import { compareCredentialPositions, type CredentialRecord } from '../../src/domain/credential.js';

const ACCOUNT = '123456789012';
const OWNER = 'AIDAOWNER000000000000';

const record = (createDate: Date, index: number): CredentialRecord => ({
  accountId: ACCOUNT,
  credentialId: `ACCA${String(index).padStart(17, '0')}`,
  ownerId: OWNER,
  userName: 'owner',
  // One credential per service name, so that the quota of 2 per service never applies.
  serviceName: `service${index}.amazonaws.com`,
  kind: 'password',
  serviceUserName: `owner-at-${ACCOUNT}`,
  secretDigest: `digest-${index}`,
  status: 'Active',
  createDate,
});

describe('in-memory store: CreateDate', () => {
  it('reads back every Date exactly and lists in date order, ties by id, by owner and across the account', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.date({ noInvalidDate: true }), fc.constantFrom(new Date(-1), new Date(-1000), new Date(-1001), new Date(999))), {
          minLength: 1,
          maxLength: 12,
        }),
        (dates) => {
          const store = createImmediateStore();
          const stored = dates.map((createDate, index) => {
            const outcome = store.createCredential({
              accountId: ACCOUNT,
              ownerId: OWNER,
              userName: 'owner',
              serviceName: `service${index}.amazonaws.com`,
              decide: () => ok(record(createDate, index)),
            });
            if (outcome.outcome !== 'created') throw new Error(outcome.outcome);
            return outcome.record;
          });
          for (const each of stored) expect(store.getCredential(ACCOUNT, each.credentialId)?.createDate.getTime()).toBe(each.createDate.getTime());
          const expected = [...stored].sort(compareCredentialPositions).map((each) => [each.credentialId, each.createDate.getTime()]);
          const read = (items: readonly CredentialRecord[]) => items.map((each) => [each.credentialId, each.createDate.getTime()]);
          expect(read(store.listCredentials({ accountId: ACCOUNT, ownerId: OWNER, limit: 100 }).items)).toEqual(expected);
          expect(read(store.listCredentials({ accountId: ACCOUNT, limit: 100 }).items)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
