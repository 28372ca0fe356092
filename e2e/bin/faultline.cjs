#!/usr/bin/env -S node --optimize-for-size --max-semi-space-size=1 --single-threaded
// The faultline CLI, run from its TypeScript source through tsx. Like the lab pods beside it, it prefers
// small code over peak speed (the V8 flags above).
const path = require('node:path');
process.env.TSX_TSCONFIG_PATH ??= path.join(__dirname, '..', '..', 'tsconfig.json');
require('tsx/cjs');
require('../src/cli/main.ts');
