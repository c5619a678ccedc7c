/** Model names that need no declaration in a .ovs file (a `model` declaration overrides them). */
export const WELL_KNOWN_MODELS: Readonly<Record<string, string>> = Object.freeze({
  gemma: 'google/gemma-4-E4B-it',
  qwen: 'Qwen/Qwen3.5-9B',
});

/** Retention of the hosted service: no window may reach further back than this. */
export const HOSTED_RETENTION_MS = 600_000;

/**
 * The server's limit on the frames one `ovs://` video reference (and one request) may yield; a
 * window that needs more fails every call. Kept equal to the server's own constant
 * (packages/server/src/chat/references.ts; test/limits.test.ts checks).
 */
export const MAX_FRAMES_PER_REFERENCE = 1200;
