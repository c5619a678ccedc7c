import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file source that cannot be used; the message says why and how to fix it. */
export class MediaPathError extends Error {
  override readonly name = 'MediaPathError';
}

/**
 * Confines a `file` source to the media root: `location` is a path relative to the root, an
 * absolute path, or a `file:` URL, and must name a regular file whose real path (symlinks
 * followed) lies inside the root's real path. Returns that real path.
 */
export async function resolveMediaPath(mediaRoot: string | undefined, location: string): Promise<string> {
  if (mediaRoot === undefined) {
    throw new MediaPathError('file sources are disabled: start the server with a media root (mediaRoot / --media-root) and name files inside it');
  }
  if (location.includes('\0')) throw new MediaPathError('the file path contains a NUL byte');
  let requested = location;
  if (/^file:/i.test(location)) {
    try {
      requested = fileURLToPath(location);
    } catch {
      throw new MediaPathError(`"${location}" is not a valid file: URL; give a path relative to the media root`);
    }
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new MediaPathError(`"${location}" is a URL; a file source takes a path relative to the media root (use type rtsp, hls or mjpeg for network sources)`);
  }
  const root = await realpath(mediaRoot);
  const lexical = path.resolve(root, requested);
  if (!isInside(root, lexical)) {
    throw new MediaPathError(`"${location}" is outside the media root; name a file inside it, e.g. "clips/a.mp4"`);
  }
  let real: string;
  try {
    real = await realpath(lexical);
  } catch {
    throw new MediaPathError(`"${location}" does not exist in the media root`);
  }
  if (!isInside(root, real)) {
    throw new MediaPathError(`"${location}" leads outside the media root through a symbolic link`);
  }
  if (!(await stat(real)).isFile()) throw new MediaPathError(`"${location}" is not a regular file`);
  return real;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative);
}
