/** Content digests of frames: what a frame is, whatever its stream, index or run. */
import { createHash } from 'node:crypto';

/** Frames are shared by many requests (overlapping windows): each JPEG is hashed once. */
const digests = new WeakMap<Buffer, string>();

/** sha256 of a frame's JPEG bytes, hex. */
export function frameDigest(jpeg: Buffer): string {
  let digest = digests.get(jpeg);
  if (digest === undefined) {
    digest = createHash('sha256').update(jpeg).digest('hex');
    digests.set(jpeg, digest);
  }
  return digest;
}
