import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'core/**/*.test.ts',
      'sim/**/*.test.ts',
      'emulator/**/*.test.ts',
      'reports/**/*.test.ts',
      'cli/**/*.test.ts',
      'twin/**/*.test.ts',
      'test/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 20_000,
  },
});
