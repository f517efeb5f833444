import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../bench/lib/results.js';

/**
 * Keeps the benchmark harness from rotting: `--quick` runs every section at tiny sizes in a few seconds, and every expected row must
 * come out with a positive number. No timing thresholds here: the figures of a quick run on a CI machine mean nothing.
 */
const EXPECTED_ROWS = [
  'inproc.floor',
  'inproc.create-delete',
  'inproc.reset',
  'inproc.update',
  'inproc.list',
  'inproc.authenticate',
  'inproc.authenticate-api-key',
  'scale.list.100',
  'scale.list.1k',
  'scale.create-delete.100',
  'scale.create-delete.1k',
  'scale.authenticate.100',
  'scale.authenticate.1k',
  'scale.list-random.100',
  'scale.list-random.1k',
  'scale.floor-random.100',
  'scale.floor-random.1k',
  'scale.delete-create-random.1k',
  'scale.authenticate-random.1k',
  'scale.list-random.growth-over-floor',
  'scale.heap-per-credential',
  'scale.preload-rate',
  'http.create-delete.c10',
  'http.list.c10',
  'doors.bedrock-1mb-body.http2',
];

const directory = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('writes every expected row with a positive figure', async () => {
    const out = join(directory, 'results.json');
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
      cwd: join(import.meta.dirname, '..', '..'),
      timeout: 60_000,
    });
    expect(stdout).toContain('| Measurement');
    const results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
    expect(results.quick).toBe(true);
    const byId = new Map(results.rows.map((row) => [row.id, row]));
    for (const id of EXPECTED_ROWS) {
      const row = byId.get(id);
      expect(row, id).toBeDefined();
      // A ratio of the time List and the floor gain between two sizes that both fit in the caches may have nothing to divide by:
      // that row may say so instead of giving a figure.
      if (id === 'scale.list-random.growth-over-floor' && row?.value === null) {
        expect(row.skipped, id).toMatch(/^no time gained between these sizes/);
        continue;
      }
      expect(row?.value, id).toBeGreaterThan(0);
      expect(Number.isFinite(row?.value), id).toBe(true);
      if (row?.baseline !== undefined) expect(row.baseline.value, id).toBeGreaterThan(0);
      if (row?.ratio !== undefined) expect(row.ratio, id).toBeGreaterThan(0);
    }
  });
});
