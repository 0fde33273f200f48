#!/usr/bin/env node
// The twinnet command. The TypeScript sources are compiled to dist/ by `npm ci`
// (the package's prepare script); this file only loads them.
import { existsSync } from 'node:fs';

/** How often a twinnet started by npm checks that the shell npm started is still there. */
const PARENT_CHECK_MS = 200;

/**
 * Under npm (`npx twinnet`, `npm exec`, `npm run`), npm forwards SIGINT and SIGTERM to
 * the shell it started (`sh -c twinnet ...`, @npmcli/run-script's signal-manager), and
 * that shell dies of it without passing it on (dash runs the command as its child), so
 * the signal never reaches this process. Losing that parent is taken as the signal:
 * this process sends itself SIGTERM, and a run removes what it made, as on any SIGTERM.
 */
function stopWithParent() {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, PARENT_CHECK_MS);
  timer.unref();
}

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('twinnet: not built yet; run `npm ci` (or `npm run build`) in the twinnet folder first\n');
  process.exit(2);
}
// npm sets npm_command in what it runs (exec for npx, run-script for npm run).
if (process.env.npm_command !== undefined) stopWithParent();
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
