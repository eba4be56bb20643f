#!/usr/bin/env node
// The compiled CLI; `npm ci` builds dist/ through the prepare script.
await import('../dist/cli/index.js');
