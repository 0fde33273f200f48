// Types for scripts/system-deps.mjs, so that TypeScript tests can import it.
import type { Dep } from './install.mjs';
export const SYSTEM_DEPS: readonly Dep[];
export const BENCH_DEPS: readonly Dep[];
