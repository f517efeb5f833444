export type * from './types.js';
export { parsePolicyDocument } from './parse.js';
export type { ParsePolicyOptions } from './parse.js';
export { evaluatePolicies, evaluatePreparedPolicies, PreparedPolicies } from './evaluate.js';
export { accessDeniedMessage } from './access-denied.js';
export { deciderName, explainDecision } from './explanation.js';
