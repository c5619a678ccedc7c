import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so no build is needed between an edit and a test.
    alias: {
      '@ovs/protocol': pkg('protocol'),
      '@ovs/ir': pkg('ir'),
      '@ovs/lang': pkg('lang'),
      '@ovs/runner': pkg('runner'),
      '@ovs/server': pkg('server'),
      '@ovs/replay': pkg('replay'),
      '@ovs/cli': pkg('cli'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
