/**
 * The replay's response cache, opened with a check: a directory that cannot hold answers (a file
 * in the way, no permission, a read-only or pseudo file system) is an error before the replay,
 * not a cache that silently never hits.
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDirectory } from '@ovs/runner';
import { ResponseCache } from '@ovs/server';
import { ReplayError } from './replay.js';

/** The cache in `directory` (created if missing), once a file could be written there. */
export async function openResponseCache(directory: string): Promise<ResponseCache> {
  const probe = path.join(directory, `.write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await ensureDirectory(directory);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new ReplayError(`the response cache ${directory} cannot keep answers (${code ?? message}): give a directory it can write with --cache-dir (or OVS_CACHE_DIR), or replay without a cache (--no-cache)`);
  }
  return new ResponseCache(directory);
}
