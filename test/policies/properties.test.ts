import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policySize } from '../../src/domain/iam-policies.js';
import { okOf, setup } from '../engine/support.js';

const DOC = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] });
const name = fc.stringMatching(/^[\w+=,.@-]{1,12}$/);

describe('policies and groups: properties', () => {
  it('paging through inline policy names with any page size lists every name once, in case-folded order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(name, { minLength: 0, maxLength: 12, selector: (n) => n.toLowerCase() }), fc.integer({ min: 1, max: 5 }), async (names, maxItems) => {
        const { engine } = setup();
        await okOf(engine.createUser({ UserName: 'alice' }));
        for (const policyName of names) await okOf(engine.putUserPolicy({ UserName: 'alice', PolicyName: policyName, PolicyDocument: DOC }));
        const seen: string[] = [];
        let marker: string | undefined;
        do {
          const page = await okOf(engine.listUserPolicies({ UserName: 'alice', MaxItems: maxItems, ...(marker === undefined ? {} : { Marker: marker }) }));
          expect(page.PolicyNames.length).toBeLessThanOrEqual(maxItems);
          expect(page.IsTruncated).toBe(page.Marker !== undefined);
          seen.push(...page.PolicyNames);
          marker = page.Marker;
        } while (marker !== undefined);
        const keys = names.map((n) => n.toLowerCase()).sort();
        expect(seen.map((n) => n.toLowerCase())).toEqual(keys);
      }),
      { numRuns: 40 },
    );
  });

  it('a group has exactly the members added and not removed, and each member lists the group', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3 })), { maxLength: 20 }), async (steps) => {
        const { engine } = setup();
        await okOf(engine.createGroup({ GroupName: 'devs' }));
        for (let index = 0; index < 4; index += 1) await okOf(engine.createUser({ UserName: `u${index}` }));
        const members = new Set<string>();
        for (const [add, index] of steps) {
          const userName = `u${index}`;
          if (add) {
            await okOf(engine.addUserToGroup({ GroupName: 'devs', UserName: userName }));
            members.add(userName);
          } else {
            const removed = await engine.removeUserFromGroup({ GroupName: 'devs', UserName: userName });
            expect(removed.isOk()).toBe(members.delete(userName));
          }
        }
        const listed = (await okOf(engine.getGroup({ GroupName: 'devs' }))).Users.map((u) => u.UserName);
        expect(listed).toEqual([...members].sort());
        for (let index = 0; index < 4; index += 1) {
          const groups = (await okOf(engine.listGroupsForUser({ UserName: `u${index}` }))).Groups.map((g) => g.GroupName);
          expect(groups).toEqual(members.has(`u${index}`) ? ['devs'] : []);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('policySize counts the characters that are not white space', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '{', '"', ' ', '\n', '\t', '\r', 'é')), (characters) => {
        const text = characters.join('');
        expect(policySize(text)).toBe(characters.filter((c) => !/\s/.test(c)).length);
      }),
    );
  });
});
