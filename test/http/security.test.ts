// The shared security matrix (test/support/security-matrix.ts) run against every ext-v1 endpoint of the contract.
import { EXT_V1_ENDPOINTS } from '../support/ext-v1-endpoints.js';
import { describeEachDialect } from '../support/harness.js';
import { securityMatrix } from '../support/security-matrix.js';

describeEachDialect('ext-v1 security matrix', (h) => {
  for (const endpoint of EXT_V1_ENDPOINTS) securityMatrix(h, endpoint);
});
