/** Every configurable maximum fits the heap it implies, or the server refuses to start; the banner warns of an open control plane. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openControlPlaneWarning } from '../../src/cli/serve.ts';
import { ConfigError, DEFAULT_CONFIG, fitToHeap, resolveConfig } from '../../src/config.ts';
import { COMMAND } from '../setup/command.ts';

const MB = 1024 * 1024;
const bin = COMMAND;
const fitted = (env: Record<string, string>, heapMb: number) => {
  const { config, explicit } = resolveConfig([], env);
  return fitToHeap(config, explicit, heapMb * MB);
};

describe('maximums and the heap', () => {
  it('the defaults fit the default heap of a 64-bit Node (about 4 GB)', () => {
    expect(fitted({}, 4_144)).toMatchObject({ maxOrganizations: 1_000_000, journalSize: 1_000, sessionMemoryMb: 256 });
  });

  it('an unset MAX_ORGANIZATIONS is lowered to fit a small heap; ORG_COUNT still fits under it', () => {
    const small = fitted({}, 1_024);
    expect(small.maxOrganizations).toBeLessThan(1_000_000);
    expect(small.maxOrganizations).toBeGreaterThan(200_000);
    expect(small.maxOrganizations).toBeGreaterThan(small.orgCount);
  });

  it.each([
    [{ MAX_ORGANIZATIONS: '5000000' }, /MAX_ORGANIZATIONS=5000000 about 9537 MB/],
    [{ JOURNAL_SIZE: '1000000' }, /JOURNAL_SIZE=1000000 about 4769 MB/],
    [{ SESSION_MEMORY_MB: '8192' }, /SESSION_MEMORY_MB=8192 about 8192 MB/],
  ])('refuses %o at start with the numbers', (env, part) => {
    expect(() => fitted(env, 4_144)).toThrow(ConfigError);
    expect(() => fitted(env, 4_144)).toThrow(part);
    expect(() => fitted(env, 4_144)).toThrow(/more than Node's 4144 MB.*NODE_OPTIONS=--max-old-space-size=\d+/);
  });

  it('an unset MAX_ORGANIZATIONS is never below ORG_COUNT + 1,000: ORG_COUNT=1000000 alone starts', () => {
    expect(fitted({ ORG_COUNT: '1000000' }, 4_144).maxOrganizations).toBe(1_001_000);
    expect(fitted({ ORG_COUNT: '999999' }, 4_144).maxOrganizations).toBe(1_000_999);
    // Below the default, the default stays; on a heap too small for it, the heap check says so.
    expect(fitted({ ORG_COUNT: '5000' }, 4_144).maxOrganizations).toBe(1_000_000);
    expect(() => fitted({ ORG_COUNT: '1000000' }, 1_024)).toThrow(/MAX_ORGANIZATIONS=1001000 about 1910 MB/);
  });

  it('refuses ORG_COUNT at or above MAX_ORGANIZATIONS', () => {
    expect(() => fitted({ ORG_COUNT: '5000', MAX_ORGANIZATIONS: '5000' }, 4_144)).toThrow(
      'ORG_COUNT=5000 should be below MAX_ORGANIZATIONS=5000.',
    );
  });

  it('orgs-mock serve exits 2 with the message, before listening', () => {
    const run = spawnSync(process.execPath, [bin, 'serve', '--port', '0'], {
      env: { ...process.env, JOURNAL_SIZE: '1000000' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^orgs-mock: these limits need about \d+ MB of heap, more than Node's \d+ MB \(.*JOURNAL_SIZE=1000000 about 4769 MB/,
    );
    expect(run.stdout).not.toContain('serving');
  });
});

describe('the banner', () => {
  it('warns that the control plane is open on a non-loopback address without CONTROL_TOKEN', () => {
    const open = openControlPlaneWarning({ ...DEFAULT_CONFIG, host: '0.0.0.0' });
    expect(open[0]).toBe(
      '  WARNING: the control plane /_mock/ is open: anyone who can reach 0.0.0.0 may reset, replace or slow this mock.',
    );
    expect(open[1]).toContain('CONTROL_TOKEN=<secret>');
    expect(openControlPlaneWarning({ ...DEFAULT_CONFIG, host: '0.0.0.0', controlToken: 'secret' })).toEqual([]);
    expect(openControlPlaneWarning({ ...DEFAULT_CONFIG, host: '0.0.0.0', controlPlane: false })).toEqual([]);
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1'])
      expect(openControlPlaneWarning({ ...DEFAULT_CONFIG, host })).toEqual([]);
  });
});
