/**
 * `npx tsx bench/compare-builds.ts [--stored N] [--rounds R] A/dist/index.js B/dist/index.js`: in-process Create+Delete of two builds
 * of this library side by side in one process, the fairest comparison this noisy machine allows. Each build gets its own engine;
 * with `--stored N`, N credentials (N/2 users with two each) are preloaded through it first. Rounds of 300 ms alternate between the
 * builds (order flipped every round) and are measured in CPU time (`process.cpuUsage`), which other processes disturb less than the
 * clock; the table gives each build's median and the median of the per-round ratios B / A. Used for docs/performance.md (issue 14).
 */
import type { Result } from 'neverthrow';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

interface Engine {
  createUser(request: { UserName: string }): PromiseLike<{ isErr(): boolean }>;
  createServiceSpecificCredential(request: { UserName: string; ServiceName: string }): PromiseLike<Answer<{ ServiceSpecificCredential: { ServiceSpecificCredentialId: string } }>>;
  deleteServiceSpecificCredential(request: { UserName: string; ServiceSpecificCredentialId: string }): PromiseLike<Answer<unknown>>;
}
type Answer<T> = Result<T, { readonly code: string }>;

const CODECOMMIT = 'codecommit.amazonaws.com';
const FRESH_USERS = 1000;
const ROUND_MS = 300;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { stored: { type: 'string', default: '0' }, rounds: { type: 'string', default: '11' } },
});
if (positionals.length !== 2) throw new Error('usage: compare-builds.ts [--stored N] [--rounds R] A/dist/index.js B/dist/index.js');
const stored = Number(values.stored);
const rounds = Number(values.rounds);

const must = async <T>(answer: PromiseLike<Answer<T>>): Promise<T> => {
  const settled = await answer;
  if (settled.isErr()) throw new Error(`operation failed: ${settled.error.code}`);
  return settled.value;
};

interface Contender {
  readonly build: string;
  readonly engine: Engine;
  readonly rates: number[];
  next: number;
}

const contenders: Contender[] = [];
for (const build of positionals) {
  const module = (await import(pathToFileURL(resolve(build)).href)) as { createCredentialEngine(): Engine };
  const engine = module.createCredentialEngine();
  for (let index = 0; index < stored / 2; index += 1) {
    await engine.createUser({ UserName: `stored${index}` });
    for (let credential = 0; credential < 2; credential += 1) await must(engine.createServiceSpecificCredential({ UserName: `stored${index}`, ServiceName: CODECOMMIT }));
  }
  for (let index = 0; index < FRESH_USERS; index += 1) await engine.createUser({ UserName: `user${index}` });
  contenders.push({ build, engine, rates: [], next: 0 });
}

for (let round = 0; round < rounds; round += 1) {
  for (const contender of round % 2 === 0 ? contenders : [...contenders].reverse()) {
    const started = performance.now();
    const cpu = process.cpuUsage();
    let pairs = 0;
    while (performance.now() - started < ROUND_MS) {
      for (let batch = 0; batch < 100; batch += 1) {
        const user = `user${contender.next}`;
        contender.next = (contender.next + 1) % FRESH_USERS;
        const created = await must(contender.engine.createServiceSpecificCredential({ UserName: user, ServiceName: CODECOMMIT }));
        await must(contender.engine.deleteServiceSpecificCredential({ UserName: user, ServiceSpecificCredentialId: created.ServiceSpecificCredential.ServiceSpecificCredentialId }));
      }
      pairs += 100;
    }
    const used = process.cpuUsage(cpu);
    contender.rates.push(pairs / ((used.user + used.system) / 1e6));
  }
}

const median = (numbers: readonly number[]): number => [...numbers].sort((a, b) => a - b)[numbers.length >> 1] ?? Number.NaN;
const [first, second] = contenders as [Contender, Contender];
const ratios = first.rates.map((rate, index) => (second.rates[index] ?? Number.NaN) / rate);
console.log(`Create+Delete, pairs per CPU-second, ${stored.toLocaleString('en-US')} credentials stored, ${rounds} rounds`);
console.log('| build | median |');
console.log('|---|---:|');
for (const { build, rates } of contenders) console.log(`| ${build} | ${Math.round(median(rates)).toLocaleString('en-US')} |`);
console.log(`per-round ratio B / A: ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}; median ${median(ratios).toFixed(2)}x`);
