/**
 * The order test files start in. Vitest queues projects by name (http, process, unit), so the process files,
 * the longest by far, would start last and end the run alone. Here they start first, the longest chains
 * first (the contract CLI's runs; build, pack and install; Dredd), and the in-process layers fill the gaps.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Longest first, as measured on 2 cores; a file not named here keeps Vitest's order after these. */
const LONGEST = [
  // Measured at 20:44 UTC, the process layer alone under a load average of about 3: wall seconds.
  'test/process/contract-cli.test.ts', // 35: fourteen CLI runs, one after another
  'test/process/package.test.ts', // 25: build, pack and install; a consumer's strict tsc, Jest, Vitest
  // Mostly waiting: on a body that never ends, until the runner gives up on it.
  'test/process/contract-hostile.test.ts', // 25
  'test/http/contract-variants.test.ts', // 22
  'test/process/hostile.test.ts', // 12
  'test/process/memory.test.ts', // 11: 100,000 organizations, a 100 MB import
  'test/http/contract-runner.test.ts', // 11
  'test/http/contract-no-false-positive.test.ts', // 11
  'test/process/cli.test.ts',
  'test/process/browser.test.ts',
  'test/process/ci.test.ts',
  'test/process/contract-keepalive-proxy.test.ts',
  'test/process/shutdown.test.ts',
  'test/http/properties.test.ts',
];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONGEST.indexOf(relative(file.project.config.root, file.moduleId));
      return index === -1 ? LONGEST.length : index;
    };
    const vitestOrder = await super.sort(files);
    return vitestOrder
      .map((file, position) => ({ file, position }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.position - b.position)
      .map(({ file }) => file);
  }
}
