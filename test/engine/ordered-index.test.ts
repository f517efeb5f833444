/**
 * The in-memory store's ordered index (chunked, so that removing an old credential among a million splices one chunk) against a
 * plain sorted array: same pages, in the same order, after any mix of inserts, replaces and removals across many chunks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderedCredentials } from '../../src/adapters/memory/ordered-credentials.js';
import { compareListingOrder } from '../../src/domain/credential.js';

interface Entry {
  readonly createTime: number;
  readonly credentialId: string;
  readonly version: number;
}

const byPosition = (a: Entry, b: Entry): number => compareListingOrder(a.createTime, a.credentialId, b.createTime, b.credentialId);

describe('OrderedCredentials', () => {
  it('pages exactly like a sorted array, across chunks, after inserts, replaces and removals', () => {
    fc.assert(
      fc.property(
        // Few distinct times, so many entries share a CreateDate and the id decides.
        fc.uniqueArray(fc.record({ createTime: fc.integer({ min: 0, max: 40 }), credentialId: fc.stringMatching(/^[A-Z0-9]{6}$/) }), {
          // More than two chunks of 512.
          minLength: 1100,
          maxLength: 2500,
          selector: (entry) => entry.credentialId,
        }),
        fc.array(fc.nat(), { maxLength: 1500 }),
        fc.array(fc.nat(), { maxLength: 50 }),
        fc.integer({ min: 1, max: 700 }),
        (created, removals, replacements, limit) => {
          const index = new OrderedCredentials<Entry>();
          let model: Entry[] = [];
          for (const entry of created) {
            index.insert({ ...entry, version: 0 });
            model.push({ ...entry, version: 0 });
          }
          model.sort(byPosition);
          for (const pick of removals) {
            if (model.length === 0) break;
            const [removed] = model.splice(pick % model.length, 1);
            index.remove(removed as Entry);
          }
          for (const pick of replacements) {
            if (model.length === 0) break;
            const at = pick % model.length;
            const replaced = { ...(model[at] as Entry), version: 1 };
            model[at] = replaced;
            index.replace(replaced);
          }
          const paged: Entry[] = [];
          let after: { createDate: Date; credentialId: string } | undefined;
          for (;;) {
            const page = index.page(after, limit);
            paged.push(...page.items);
            const last = page.items.at(-1);
            if (!page.hasMore || last === undefined) break;
            after = { createDate: new Date(last.createTime), credentialId: last.credentialId };
          }
          expect(paged).toEqual(model);
          model = [];
        },
      ),
      { numRuns: 30 },
    );
  });
});
