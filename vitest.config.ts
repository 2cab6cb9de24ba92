import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  test: {
    globals: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['server/**', 'shared/**', 'db/**', 'client/src/**'],
      // The embedded database's worker runs on a thread of its own, which V8 coverage of the test
      // process does not see; tests/db/embedded.test.ts and every PGlite suite go through it.
      exclude: ['**/*.d.ts', 'server/main.ts', 'db/migrations/**', 'db/embedded-worker.*', 'db/pglite-template/**'],
      reporter: ['text-summary', 'json-summary', 'html'],
      thresholds: {
        'server/**': { lines: 90 },
        'shared/**': { lines: 90 },
        'db/**': { lines: 90 },
      },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/client/**', 'tests/e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'client',
          environment: 'jsdom',
          include: ['tests/client/**/*.test.{ts,tsx}'],
          setupFiles: ['tests/client/setup.ts'],
        },
      },
    ],
  },
});
