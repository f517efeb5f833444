import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TABLE_BEGIN, TABLE_END, currentResultsBlock, renderResultsBlock, replaceResultsBlock } from '../../bench/lib/doc-table.js';
import type { BenchResults, ResultRow } from '../../bench/lib/results.js';

/** docs/performance.md's table is generated from bench/results.json (`npm run bench:table`); the two must not drift apart. */
const results = JSON.parse(readFileSync(new URL('../../bench/results.json', import.meta.url), 'utf8')) as BenchResults;
const doc = readFileSync(new URL('../../docs/performance.md', import.meta.url), 'utf8');

/** The Markdown rows of a block's table: its lines that start with `| `, header included. */
const tableRows = (block: string | undefined): string[] => (block ?? '').split('\n').filter((line) => line.startsWith('| '));

describe('docs/performance.md and bench/results.json', () => {
  it('the doc holds exactly the table, machine, date and notes of the results file', () => {
    const block = currentResultsBlock(doc);
    expect(block, 'the markers of npm run bench:table').toBeDefined();
    // Row by row first, so that a failure names the row that differs; then the whole block.
    expect(tableRows(block)).toEqual(tableRows(renderResultsBlock(results)));
    expect(tableRows(block)).toHaveLength(results.rows.length + 1);
    expect(block).toBe(renderResultsBlock(results));
  });

  it('a results file that differs from the doc in any one row does not match it', () => {
    fc.assert(
      fc.property(fc.nat(results.rows.length - 1), fc.double({ min: 0.01, max: 1e7, noNaN: true }), (index, value) => {
        const original = results.rows[index] as ResultRow;
        fc.pre(original.value === null || Math.abs(value - original.value) / original.value > 0.01);
        const rows = results.rows.map((row, at) => (at === index ? { ...row, value } : row));
        expect(tableRows(renderResultsBlock({ ...results, rows }))).not.toEqual(tableRows(currentResultsBlock(doc)));
      }),
      { numRuns: 50 },
    );
  });

  it('rewriting the block keeps the rest of the document and reads back what was written', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (before, old, after, block) => {
        fc.pre(![before, old, after, block].some((text) => text.includes(TABLE_BEGIN) || text.includes(TABLE_END)));
        const document = `${before}${TABLE_BEGIN}\n${old}\n${TABLE_END}${after}`;
        const written = replaceResultsBlock(document, block);
        expect(written.isOk()).toBe(true);
        const updated = written._unsafeUnwrap();
        expect(updated.startsWith(`${before}${TABLE_BEGIN}\n`)).toBe(true);
        expect(updated.endsWith(`\n${TABLE_END}${after}`)).toBe(true);
        expect(currentResultsBlock(updated)).toBe(block);
      }),
    );
  });

  it('refuses a document without both markers, in order, once each', () => {
    for (const document of ['no markers', `${TABLE_END}\n${TABLE_BEGIN}`, `${TABLE_BEGIN}\n${TABLE_BEGIN}\n${TABLE_END}`, `${TABLE_BEGIN} only`]) {
      expect(replaceResultsBlock(document, 'x').isErr(), document).toBe(true);
    }
  });
});
