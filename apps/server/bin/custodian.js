#!/usr/bin/env node
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('Custodian is not built yet: run `npm run build` (npm start builds it too).\n');
  process.exit(1);
}
await import(main.href);
