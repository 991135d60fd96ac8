/**
 * A part of the lockfile: the entries that some packages need, found as Node finds them (the nearest
 * node_modules), at exactly the locked versions. Two users:
 * - the Dockerfile's build stage, which installs only what the build needs (the dependencies, TypeScript,
 *   esbuild and the type packages), not the test tooling: `node scripts/lock-subset.mjs --build` rewrites
 *   package.json and package-lock.json there, before `npm ci`;
 * - the package test, which installs the packed package into a new app offline (lockClosure).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The devDependencies that `npm run build` (scripts/build.mjs) needs besides the dependencies. */
export const BUILD_TOOLS = ['typescript', 'esbuild', '@types/node', 'msw'];

/** The lockfile entries these root packages need, transitively; peers too, unless optional. */
export function lockClosure(packages, roots, entryOf = (_path, entry) => entry) {
  const found = {};
  const locate = (from, name) => {
    for (let base = from; ; base = base.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
      const path = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (packages[path]) return path;
      if (base === '') return undefined;
    }
  };
  const visit = (from, name) => {
    const path = locate(from, name);
    if (!path || found[path]) return;
    const entry = packages[path];
    found[path] = entryOf(path, entry);
    const peers = Object.keys(entry.peerDependencies ?? {}).filter(
      (peer) => !entry.peerDependenciesMeta?.[peer]?.optional,
    );
    for (const dependency of [...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }), ...peers])
      visit(path, dependency);
  };
  for (const name of roots) visit('', name);
  return found;
}

/** package.json and package-lock.json cut to the dependencies plus these devDependencies. */
export function subset(manifest, lock, devDependencies) {
  const dev = Object.fromEntries(devDependencies.map((name) => [name, manifest.devDependencies[name]]));
  const roots = [...Object.keys(manifest.dependencies), ...devDependencies];
  const { scripts: _scripts, ...rest } = manifest;
  const cut = { ...rest, devDependencies: dev };
  const packages = { '': { ...lock.packages[''], devDependencies: dev }, ...lockClosure(lock.packages, roots) };
  return { manifest: cut, lock: { ...lock, packages } };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--build') {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
  const cut = subset(manifest, lock, BUILD_TOOLS);
  writeFileSync('package.json', `${JSON.stringify(cut.manifest, null, 2)}\n`);
  writeFileSync('package-lock.json', `${JSON.stringify(cut.lock, null, 2)}\n`);
  console.error(
    `package.json and package-lock.json cut to the build: ${Object.keys(cut.lock.packages).length - 1} packages`,
  );
}
