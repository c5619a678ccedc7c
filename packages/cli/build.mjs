// Bundles the CLI with esbuild after `tsc -b` has type-checked it and written the declarations.
// One bundle, split at each command's lazy `import()`, so `ovs check` loads the parser and
// nothing else, and startup never resolves hundreds of files in node_modules.
//
// The output replaces the previous one without a moment where `dist/bin.js` points at a chunk
// that is not there (another process may be running `ovs` meanwhile): chunks have content-hashed
// names and are written first, the entry files are renamed into place, stale chunks go last.
import { build } from 'esbuild';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const outdir = fileURLToPath(new URL('./dist/', import.meta.url));
const result = await build({
  entryPoints: { bin: 'src/bin.ts', index: 'src/index.ts' },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: true,
  write: false,
  logLevel: 'warning',
  // The server, the runner and the replay load from their own packages when `serve`, `run` or
  // `test` needs them: they start worker threads from files of their own, which a bundle would not carry.
  external: ['@ovs/server', '@ovs/runner', '@ovs/replay'],
  // commander is CommonJS: give its require() calls a real require.
  banner: { js: "import { createRequire as __ovsCreateRequire } from 'node:module';\nconst require = __ovsCreateRequire(import.meta.url);" },
});

const chunksDir = join(outdir, 'chunks');
const isChunk = (file) => !relative(chunksDir, file).startsWith('..');
await mkdir(chunksDir, { recursive: true });
for (const file of result.outputFiles.filter((f) => isChunk(f.path))) await writeFile(file.path, file.contents);
for (const file of result.outputFiles.filter((f) => !isChunk(f.path))) {
  await mkdir(dirname(file.path), { recursive: true });
  const temp = `${file.path}.${process.pid}.tmp`;
  await writeFile(temp, file.contents, { mode: file.path.endsWith('bin.js') ? 0o755 : 0o644 });
  await rename(temp, file.path);
}
const current = new Set(result.outputFiles.map((f) => f.path));
for (const name of await readdir(chunksDir)) {
  if (!current.has(join(chunksDir, name))) await rm(join(chunksDir, name), { force: true });
}
