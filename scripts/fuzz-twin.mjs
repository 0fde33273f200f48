#!/usr/bin/env node
// `npm run fuzz:twin -- --runs N --seed S [--time-limit SECONDS] [--shrink-time SECONDS] [--out DIR]`:
// the differential property's long mode (test/twin/fuzz-twin.ts). The driver and the
// test helpers it shares with the CI test are TypeScript outside the build
// (tsconfig.build.json leaves test/ out), so they are loaded through Vite's module
// runner, which vitest (a dev dependency) brings: nothing to compile after `npm ci`.
// Needs root, as every emulator run does.
import { runnerImport } from 'vite';

const driver = new URL('../test/twin/fuzz-twin.ts', import.meta.url).pathname;
const { module } = await runnerImport(driver);
// Exit explicitly: the runner's module graph may hold handles open after the last run.
process.exit(await module.main(process.argv.slice(2)));
