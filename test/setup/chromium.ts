/**
 * Where the browser tests find Debian's Chromium. Tests install nothing: `.ci/run` installs the `chromium`
 * package on CI, and a developer does `apt-get install chromium` once (or sets CHROMIUM_PATH).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
