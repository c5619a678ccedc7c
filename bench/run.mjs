#!/usr/bin/env node
// `pnpm bench <name>`: runs bench/<name>.mjs after making sure the packages are built.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.startsWith('_'))
  .map((f) => f.slice(0, -4));
const name = process.argv[2];
if (!name || !names.includes(name)) {
  console.error(`usage: pnpm bench <name>   (one of: ${names.join(', ')})`);
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}packages/cli/dist/bin.js`)) {
  const built = spawnSync('pnpm', ['--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const result = spawnSync(process.execPath, [`${here}${name}.mjs`, ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
