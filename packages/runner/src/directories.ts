import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Creates `dir` and its missing parents, one level at a time. Node's `mkdir(..., { recursive:
 * true })` (sync and async) loops forever under procfs (e.g. /proc/nope), so it is not used.
 */
export async function ensureDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    await ensureDirectory(parent);
    try {
      await mkdir(dir);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
    }
  }
}
