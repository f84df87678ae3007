#!/usr/bin/env node
// Completes package-lock.json with the other platforms' optional native packages (e.g.
// @swc/core-darwin-arm64) that npm leaves out when the package mirror cannot serve them, so that
// `npm ci` accepts the lock. Each added entry carries the os/cpu/libc its name states, so npm skips
// it on every other machine exactly as it would with the registry's own metadata. Run after
// `npm install` changes the lock.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const pk = lock.packages;
const OS = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openharmony', 'netbsd', 'openbsd', 'sunos', 'aix'];
const CPU = [['arm64', 'arm64'], ['aarch64', 'arm64'], ['x64', 'x64'], ['ia32', 'ia32'], ['ppc64', 'ppc64'],
  ['s390x', 's390x'], ['riscv64', 'riscv64'], ['loong64', 'loong64'], ['arm', 'arm']];
let added = 0;
for (const [where, meta] of Object.entries(pk)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${where ? where + '/' : ''}node_modules/${name}`;
    const top = `node_modules/${name}`;
    if (pk[nested] || pk[top]) continue;
    const parts = name.split(/[/-]/);
    const os = OS.find((o) => parts.includes(o));
    const cpu = CPU.find(([k]) => parts.includes(k))?.[1];
    if (!os) throw new Error(`cannot tell the platform of ${name}; add it to the lock by hand`);
    const entry = { version: String(range).replace(/^[\^~=]/, ''), optional: true };
    if (meta.dev) entry.dev = true;
    entry.os = [os];
    if (cpu) entry.cpu = [cpu];
    if (parts.includes('musl') || parts.includes('musleabihf')) entry.libc = ['musl'];
    else if (os === 'linux' && (parts.includes('gnu') || parts.includes('gnueabihf'))) entry.libc = ['glibc'];
    pk[top] = entry;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
process.stdout.write(`lock-platforms: added ${added} entries\n`);
