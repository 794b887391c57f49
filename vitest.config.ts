import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects,
    // A project that collects nothing is a configuration mistake, not a pass.
    passWithNoTests: false,
  },
});
