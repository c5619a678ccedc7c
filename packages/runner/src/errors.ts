/** Errors the runner reports to its caller: each says what is wrong and how to fix it. */

export type RunErrorCode =
  | 'invalid_ir'
  | 'invalid_options'
  | 'missing_binding'
  | 'unknown_binding'
  | 'invalid_binding'
  | 'unknown_model'
  | 'file_source_unsupported'
  | 'stream_not_found'
  | 'stream_setup_failed'
  | 'backend_unavailable'
  | 'event_log_failed'
  | 'sink_failed';

export class RunError extends Error {
  override readonly name = 'RunError';
  constructor(
    readonly code: RunErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A short, secret-free description of any thrown value, for logs and status lines. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
