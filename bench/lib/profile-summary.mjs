// Summarises a .cpuprofile: self time and inclusive time per function, top N. Usage: node bench/lib/profile-summary.mjs FILE [N]
import { readFileSync } from 'node:fs';
const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const selfCount = new Map();
for (const sample of profile.samples) selfCount.set(sample, (selfCount.get(sample) ?? 0) + 1);
const total = profile.samples.length;
const key = (node) => `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
const self = new Map();
const inclusive = new Map();
for (const [id, count] of selfCount) {
  const node = byId.get(id);
  self.set(key(node), (self.get(key(node)) ?? 0) + count);
  const seen = new Set();
  for (let cursor = id; cursor !== undefined; cursor = parent.get(cursor)) {
    const k = key(byId.get(cursor));
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + count);
  }
}
const show = (title, map) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
show('self', self);
show('inclusive', inclusive);
