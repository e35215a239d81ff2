#!/usr/bin/env node
// Writes docs/CONTRACT.md and sql/roles/rollout_operator.sql from the contract (src/contract/contract.ts),
// from the build in dist/. test/contract.test.ts holds the committed files equal to this output.
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const { CONTRACT } = require('../dist/contract/contract');
const { renderContractDoc, renderRoleSql } = require('../dist/contract/render');

const root = path.resolve(__dirname, '..');
writeFileSync(path.join(root, 'docs', 'CONTRACT.md'), renderContractDoc(CONTRACT));
writeFileSync(path.join(root, 'sql', 'roles', 'rollout_operator.sql'), renderRoleSql(CONTRACT));
console.log('wrote docs/CONTRACT.md and sql/roles/rollout_operator.sql');
