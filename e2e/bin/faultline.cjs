#!/usr/bin/env node
// The faultline CLI, run from its TypeScript source through tsx.
const path = require('node:path');
process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '..', '..', 'tsconfig.json');
require('tsx/cjs');
require('../src/cli/main.ts');
