// The registry reachable here lacks some platform builds of msgpackr's and cbor-x's optional
// native accelerators, so `npm install` writes a lockfile without their entries and `npm ci`
// then refuses it as out of sync. This re-adds the missing optional entries (os/cpu-gated, so
// npm skips the foreign ones and tolerates a missing optional one). Run after `npm install`
// changes package-lock.json: node scripts/lock-optional-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORMS = {
  'darwin-arm64': [['darwin'], ['arm64']],
  'darwin-x64': [['darwin'], ['x64']],
  'linux-arm': [['linux'], ['arm']],
  'linux-arm64': [['linux'], ['arm64']],
  'linux-x64': [['linux'], ['x64']],
  'win32-x64': [['win32'], ['x64']],
};
const PARENTS = {
  'node_modules/cbor-extract': '@cbor-extract/cbor-extract-',
  'node_modules/msgpackr-extract': '@msgpackr-extract/msgpackr-extract-',
};

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const added = [];
for (const [parent, prefix] of Object.entries(PARENTS)) {
  for (const [name, version] of Object.entries(lock.packages[parent]?.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const platform = PLATFORMS[name.slice(prefix.length)];
    if (key in lock.packages || platform === undefined) continue;
    lock.packages[key] = { version, cpu: platform[1], license: 'MIT', optional: true, os: platform[0] };
    added.push(name);
  }
}
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length > 0 ? `added ${added.join(', ')}` : 'lockfile already complete');
