import type { Range, WatchNode } from '../language/ast.js';

/** `watch stream a, b`: where a diagnostic about a whole watch points, rather than at its whole body. */
export function watchHeadRange(watch: WatchNode): Range {
  const last = watch.streams[watch.streams.length - 1];
  return { start: watch.range.start, end: last ? last.range.end : watch.range.end };
}
