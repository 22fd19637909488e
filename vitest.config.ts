import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs the harness's own logic on recorded timelines (no cluster);
// `live` applies the reference Pods to a real cluster brought up or named in globalSetup.
export default defineConfig({
  test: {
    // Unit and live runs each write their own JUnit file (see package.json scripts).
    reporters: ['default', 'junit'],
    outputFile: { junit: 'reports/junit.xml' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'live',
          // examples/: the templates users copy to test their own Pods, run like the live suites.
          include: ['suites/**/*.live.test.ts', 'examples/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['suites/global-setup.ts'],
          // Live scenarios wait on the kubelet (probe periods, grace periods): minutes, not ms.
          testTimeout: 6 * 60_000,
          hookTimeout: 60 * 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
