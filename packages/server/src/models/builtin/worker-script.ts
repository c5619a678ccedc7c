/**
 * A worker thread's entry module as a file Node can run. Built (dist/), it is the compiled .js
 * beside this module. Run from the TypeScript sources — as the tests do: vitest transforms the
 * modules it loads, but a worker thread is plain Node and cannot load .ts on Node 20 — the .ts
 * entry is bundled once per process with esbuild (a dev dependency of the workspace) into the
 * temp directory, its packages left external at their resolved absolute paths.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundles = new Map<string, Promise<URL>>();

/** `name` is the entry module's file name without extension, beside this module. */
export function workerScript(name: string): Promise<URL> {
  if (!import.meta.url.endsWith('.ts')) return Promise.resolve(new URL(`./${name}.js`, import.meta.url));
  let bundle = bundles.get(name);
  if (!bundle) {
    bundle = bundleFromSources(fileURLToPath(new URL(`./${name}.ts`, import.meta.url)), name);
    bundles.set(name, bundle);
  }
  return bundle;
}

async function bundleFromSources(entry: string, name: string): Promise<URL> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'packages-at-their-resolved-paths',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('node:')
              ? { path: args.path, external: true }
              : { path: pathToFileURL(createRequire(args.importer).resolve(args.path)).href, external: true },
          );
        },
      },
    ],
  });
  const code = result.outputFiles[0]?.text ?? '';
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `ovs-${name}-${hash}.mjs`);
  if (!existsSync(file)) {
    // Written under a unique name, then renamed: test files bundling at once never see half a file.
    const partial = `${file}.${process.pid}.${Date.now()}`;
    await writeFile(partial, code);
    await rename(partial, file);
  }
  return pathToFileURL(file);
}
