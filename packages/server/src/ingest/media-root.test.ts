import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/clips.js';
import { MediaPathError, resolveMediaPath } from './media-root.js';

let tmp: ReturnType<typeof tempDir>;
let root: string;

beforeAll(() => {
  tmp = tempDir();
  root = path.join(tmp.dir, 'media');
  mkdirSync(path.join(root, 'clips'), { recursive: true });
  writeFileSync(path.join(root, 'clips', 'a.mp4'), 'x');
  writeFileSync(path.join(tmp.dir, 'secret.mp4'), 'x');
  symlinkSync(path.join(tmp.dir, 'secret.mp4'), path.join(root, 'escape.mp4'));
  symlinkSync(path.join(root, 'clips', 'a.mp4'), path.join(root, 'inside.mp4'));
});
afterAll(() => tmp.remove());

describe('resolveMediaPath', () => {
  it('accepts relative paths, absolute paths and file: URLs inside the root', async () => {
    const real = path.join(root, 'clips', 'a.mp4');
    expect(await resolveMediaPath(root, 'clips/a.mp4')).toBe(real);
    expect(await resolveMediaPath(root, real)).toBe(real);
    expect(await resolveMediaPath(root, pathToFileURL(real).href)).toBe(real);
    expect(await resolveMediaPath(root, 'inside.mp4')).toBe(real);
  });

  it.each([
    ['../secret.mp4', /outside the media root/],
    ['clips/../../secret.mp4', /outside the media root/],
    ['/etc/passwd', /outside the media root/],
    ['escape.mp4', /symbolic link/],
    ['clips/missing.mp4', /does not exist/],
    ['clips', /not a regular file/],
    ['http://example.com/a.mp4', /is a URL/],
    ['.', /outside the media root/],
  ])('rejects %s', async (location, message) => {
    await expect(resolveMediaPath(root, location)).rejects.toThrow(message);
  });

  it('refuses file sources without a media root', async () => {
    await expect(resolveMediaPath(undefined, 'a.mp4')).rejects.toBeInstanceOf(MediaPathError);
  });
});
