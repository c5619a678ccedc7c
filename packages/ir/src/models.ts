/** Model names that need no declaration in a .ovs file (a `model` declaration overrides them). */
export const WELL_KNOWN_MODELS: Readonly<Record<string, string>> = Object.freeze({
  gemma: 'google/gemma-4-E4B-it',
  qwen: 'Qwen/Qwen3.5-9B',
});

/** Retention of the hosted service: no window may reach further back than this. */
export const HOSTED_RETENTION_MS = 600_000;

/**
 * The server's limit on the frames one `ovs://` video reference may yield (one request may
 * carry at most twice that); a window that needs more fails every call.
 */
export const MAX_FRAMES_PER_REFERENCE = 600;
