/**
 * npm run test:git-install (.ci/run): the install from a git URL, as a user does it, into a new app outside
 * the repo: `npm install git+file://<this repo>#<HEAD>` (npm clones the commit, installs its devDependencies
 * there, runs `prepare`, which builds dist/, and packs it), then ES import, CommonJS require and
 * `npx orgs-mock --version` in the app. Slow (minutes: npm installs every devDependency in its clone), so not
 * part of npm test. Needs the change committed: npm clones the commit, not the working tree.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
const app = mkdtempSync(join(tmpdir(), 'git-install-'));
const run = (command, args) =>
  execFileSync(command, args, { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
try {
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'git-install', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', `git+file://${repo}#${head}`]);
  const checks = {
    'npx orgs-mock --version': () => run('npx', ['--no', '--', 'orgs-mock', '--version']).trim() === version,
    import: () =>
      run(process.execPath, [
        '--input-type=module',
        '-e',
        "import { createApp } from 'orgs-mock'; const app = await createApp({ config: { quiet: true } }); console.log((await app.request('/api/v1/organization/profile', { headers: { Authorization: 'Bearer root-admin-token' } })).status);",
      ]).trim() === '200',
    require: () =>
      run(process.execPath, [
        '-e',
        "require('orgs-mock').createApp({ config: { quiet: true } }).then((app) => app.request('/api/v1/organization/profile', { headers: { Authorization: 'Bearer root-admin-token' } })).then((r) => console.log(r.status));",
      ]).trim() === '200',
  };
  let failed = 0;
  for (const [name, check] of Object.entries(checks)) {
    const ok = check();
    if (!ok) failed++;
    console.log(`${ok ? '✓' : '✗'} installed from git (${head.slice(0, 7)}): ${name}`);
  }
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  rmSync(app, { recursive: true, force: true });
}
