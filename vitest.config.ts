import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@custodian/contracts': fileURLToPath(new URL('./packages/contracts/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['apps/server/src/**/*.test.ts', 'packages/contracts/src/**/*.test.ts'],
    globalSetup: ['apps/server/src/test/global-setup.ts'],
    // Two cores: more workers only fight over them (and over PGlite's WASM memory).
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
