// Bundles the CLI with esbuild after `tsc -b` has type-checked it and written the declarations.
// One bundle, split at each command's lazy `import()`, so `ovs check` loads the parser and
// nothing else, and startup never resolves hundreds of files in node_modules.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

const outdir = new URL('./dist/', import.meta.url).pathname;
await rm(new URL('./dist/chunks/', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { bin: 'src/bin.ts', index: 'src/index.ts' },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
  // Native add-ons cannot be bundled; they load from node_modules when a command needs them.
  external: ['sharp', '@tensorflow/*', '@vladmandic/human'],
  // commander is CommonJS: give its require() calls a real require.
  banner: { js: "import { createRequire as __ovsCreateRequire } from 'node:module';\nconst require = __ovsCreateRequire(import.meta.url);" },
});
