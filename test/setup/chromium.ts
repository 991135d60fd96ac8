/**
 * Vitest global set-up: the browser test needs Debian's Chromium. Installed here when it is missing and
 * the machine allows it (root with apt-get), as on CI and fresh development machines of this project.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default function setup(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    console.warn(`Chromium is not at ${CHROMIUM} and cannot be installed here; the browser test will fail. Install Debian's chromium or set CHROMIUM_PATH.`);
    return;
  }
  console.log('Installing Debian chromium for the browser test…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
}
