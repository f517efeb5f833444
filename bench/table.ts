/**
 * `npm run bench:table [-- --results FILE] [-- --doc FILE] [-- --check]`: puts the table of a results file (bench/results.json,
 * written by `npm run bench`) into docs/performance.md, between its markers. With `--check` it changes nothing and exits 1 when the
 * document's table is not the results file's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { currentResultsBlock, renderResultsBlock, replaceResultsBlock } from './lib/doc-table.js';
import type { BenchResults } from './lib/results.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    results: { type: 'string', default: join(root, 'bench', 'results.json') },
    doc: { type: 'string', default: join(root, 'docs', 'performance.md') },
    check: { type: 'boolean', default: false },
  },
});
const resultsPath = values.results;
const docPath = values.doc;

const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as BenchResults;
const document = readFileSync(docPath, 'utf8');
const block = renderResultsBlock(results);

if (values.check) {
  const same = currentResultsBlock(document) === block;
  process.stdout.write(same ? `${docPath}: the table is ${resultsPath}'s\n` : `${docPath}: the table is not ${resultsPath}'s; run npm run bench:table\n`);
  process.exitCode = same ? 0 : 1;
} else {
  replaceResultsBlock(document, block).match(
    (updated) => {
      writeFileSync(docPath, updated);
      process.stdout.write(`${docPath}: table from ${resultsPath} (${results.rows.length} rows)\n`);
    },
    (reason) => {
      process.stderr.write(`${docPath}: ${reason}\n`);
      process.exitCode = 1;
    },
  );
}
