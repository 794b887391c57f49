import type { Options } from 'tsup';

/** The one build every package shares: ESM + CJS (Lambda users still load CJS) with `.d.ts`. */
export const packageBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Per package, so a declaration build compiles that package's sources only.
  tsconfig: 'tsconfig.build.json',
};
