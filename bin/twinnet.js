#!/usr/bin/env node
// The twinnet command. The TypeScript sources are compiled to dist/ by `npm ci`
// (the package's prepare script); this file only loads them.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('twinnet: not built yet; run `npm ci` (or `npm run build`) in the twinnet folder first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
