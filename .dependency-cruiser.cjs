/** The hexagon's dependency rule, checked in CI: dependencies point inward only. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain holds the rules and imports nothing of ours from outside itself.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(?!domain/)' },
    },
    {
      name: 'ports-depend-on-domain-only',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^src/(app|adapters|protocol)/' },
    },
    {
      name: 'app-does-not-know-adapters',
      comment: 'Operations reach the world through ports; only the composition root picks adapters.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { path: '^src/(adapters|protocol)/' },
    },
    {
      name: 'adapters-do-not-know-app-or-protocol',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(app|protocol)/' },
    },
    {
      name: 'protocol-goes-through-the-engine',
      comment: 'The wire edge talks to the engine API, not to adapters directly (the CLI composition root excepted).',
      severity: 'error',
      from: { path: '^src/protocol/(?!cli/)' },
      to: { path: '^src/adapters/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
