/**
 * npm run pack [-- --out <dir>] [--no-build]: the tarball that is published, and the one the package test
 * installs. Built from a staging folder, not the repository itself, so that what users get is exact:
 * - package.json without `scripts`, `devDependencies` and `overrides`: no install script (not even a
 *   `prepare` naming a file that is not shipped) for npm to run or to ask approval for;
 * - README.md with its relative links made absolute (the repository's files at this version's tag), since
 *   docs/ and the rest are not in the tarball;
 * - the `files` of package.json (dist/, openapi.yaml, fixtures/, LICENSE).
 * The release publishes this tarball (`npm publish <tarball> --provenance`). Prints the tarball's path.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's web address, from package.json's `repository` (its one home). */
export function repositoryUrl(manifest) {
  const url = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (!url) throw new Error('package.json has no repository: npm publish --provenance needs one.');
  return url.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** README links to files of the repository, made absolute: `](docs/x.md)` → `](https://…/blob/vX.Y.Z/docs/x.md)`. */
export function absoluteLinks(markdown, manifest) {
  const base = `${repositoryUrl(manifest)}/blob/v${manifest.version}/`;
  return markdown.replace(/\]\((?!https?:|#|mailto:)\.?\/?([^)\s]+)\)/g, (_, path) => `](${base}${path})`);
}

/** The manifest users get: everything but what only this repository uses. */
export function publishedManifest(manifest) {
  const { scripts: _scripts, devDependencies: _dev, overrides: _overrides, ...published } = manifest;
  return published;
}

export function pack({ root, out, build = true }) {
  if (build) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const stage = mkdtempSync(join(tmpdir(), 'orgs-mock-pack-'));
  try {
    for (const file of manifest.files) cpSync(join(root, file), join(stage, file), { recursive: true });
    writeFileSync(join(stage, 'README.md'), absoluteLinks(readFileSync(join(root, 'README.md'), 'utf8'), manifest));
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', stage, '--json', '--ignore-scripts', '--pack-destination', out], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    return { tarball: join(out, packed.filename), files: packed.files.map((f) => f.path) };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--refuse')) {
  // prepack: `npm pack` or `npm publish` of the repository itself would ship its scripts (prepare) and the
  // README's relative links.
  console.error(
    'orgs-mock: the repository itself is not what is published; make the tarball with `npm run pack` (then `npm publish <tarball>`).',
  );
  process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const out = resolve(at === -1 ? '.' : args[at + 1]);
  const { tarball } = pack({
    root: fileURLToPath(new URL('..', import.meta.url)),
    out,
    build: !args.includes('--no-build'),
  });
  console.log(tarball);
}
