// The layer rules of twinnet (docs/architecture.md), checked by test/layers.test.ts with
// dependency-cruiser: dependencies point one way. core is used by all and uses nothing
// above it, and does no I/O; the simulator and the emulator never import each other (the
// twin run, twin/, is the one place that knows both); the emulator sees the plan only,
// never the scenario it was compiled from. Tests beside the sources (*.test.ts) are not
// the layer's code: they may read fixtures and use helpers from test/.
//
// Paths are relative to the folder cruised from (the repository, or a test fixture).

/* global module */

/** Tests beside the sources: no layer's code (they may read fixtures and use test/'s helpers). */
const TESTS = '\\.test\\.ts$';

/**
 * Node modules that reach outside the process (files, processes, sockets, the clock as a
 * side channel) or its environment: core computes, the engines and the CLI do the I/O.
 */
const IO_MODULES = `^(node:)?(${[
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'dgram',
  'dns',
  'dns/promises',
  'http',
  'https',
  'http2',
  'tls',
  'os',
  'process',
  'readline',
  'readline/promises',
  'worker_threads',
  'cluster',
  'perf_hooks',
  'timers',
  'timers/promises',
  'inspector',
  'v8',
  'vm',
  'module',
  'repl',
  'tty',
].join('|')})$`;

/**
 * Core files allowed to do I/O, each with its reason. Empty since core/scenario/load.ts
 * stopped reading files (the CLI reads them: cli/scenario-file.ts); keep it empty.
 */
const CORE_IO_ALLOWED = [];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'sim-not-emulator',
      comment: 'The simulator never imports the emulator: the twin run (twin/) decides what one mirrors of the other.',
      severity: 'error',
      from: { path: '^sim/', pathNot: TESTS },
      to: { path: '^emulator/' },
    },
    {
      name: 'emulator-not-sim',
      comment: 'The emulator never imports the simulator: the twin run (twin/) decides what one mirrors of the other.',
      severity: 'error',
      from: { path: '^emulator/', pathNot: TESTS },
      to: { path: '^sim/' },
    },
    {
      name: 'core-not-above',
      comment: 'core is used by every layer and uses none of them.',
      severity: 'error',
      from: { path: '^core/', pathNot: TESTS },
      to: { path: '^(sim|emulator|cli|twin|bench|reports|test)/' },
    },
    {
      name: 'core-no-io',
      comment: 'core does no I/O: it computes on values the layers above read and write (allow-list: CORE_IO_ALLOWED).',
      severity: 'error',
      from: { path: '^core/', pathNot: [TESTS, ...CORE_IO_ALLOWED] },
      to: { dependencyTypes: ['core'], path: IO_MODULES },
    },
    {
      name: 'emulator-plan-only',
      comment: 'The emulator runs a plan and never sees the scenario it was compiled from (core/scenario).',
      severity: 'error',
      from: { path: '^emulator/', pathNot: TESTS },
      to: { path: '^core/scenario/' },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves: a rule about paths says nothing about an import it could not follow.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Packages such as pure-rand name their entry points in package.json's "exports", as Node reads them.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
