import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProjectConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const packages = readdirSync(new URL('./packages', import.meta.url));

/** Every `@exportkit/*` import resolves to its TypeScript source, so tests need no build. */
export const sourceAliases = packages.map((name) => ({
  find: `@exportkit/${name}`,
  replacement: `${root}packages/${name}/src/index.ts`,
}));

/**
 * One vitest project per package. Vitest 4 ignores this file on its own; `vitest.config.ts`
 * imports it into `test.projects`.
 */
export const projects: TestProjectConfiguration[] = [
  ...packages.map((name) => ({
    resolve: { alias: sourceAliases },
    test: {
      name,
      root: `${root}packages/${name}`,
      include: ['test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  })),
  {
    resolve: { alias: sourceAliases },
    test: {
      name: 'e2e',
      root: `${root}tests`,
      include: ['**/*.test.ts'],
      exclude: ['**/node_modules/**'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  },
  {
    resolve: { alias: sourceAliases },
    test: {
      name: 'examples',
      root: `${root}examples`,
      include: ['**/*.test.ts'],
      exclude: ['**/node_modules/**'],
      testTimeout: 120_000,
      hookTimeout: 60_000,
    },
  },
];
