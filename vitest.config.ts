import { defineConfig } from 'vitest/config';

/**
 * Test files that start the bot (or npm, tsc) as child processes: each holds a core for a
 * while and times real start-ups, so they run after the others, two at a time. The rest run
 * in-process and mostly wait on loopback I/O, so three at a time keep 2 cores busy without
 * starving anyone's timing.
 */
const processes = ['test/build.test.ts', 'test/cli.test.ts', 'test/faults.kill-answers.test.ts', 'test/faults.kill.test.ts', 'test/replicas.feishu-ws.test.ts', 'test/server.test.ts', 'test/startup.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', './test/support/plain-summary.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'in-process', include: ['test/**/*.test.ts'], exclude: processes, maxWorkers: 3, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'processes', include: processes, maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
