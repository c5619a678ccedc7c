import type { ChatErrorCode } from '@ovs/protocol';

/**
 * A failure of a builtin model that the HTTP layer can map to the hosted error shape as is:
 * `status` and `code` say how to answer, `message` says what went wrong and how to fix it and is
 * safe to show to the client.
 */
export class BuiltinModelError extends Error {
  override readonly name = 'BuiltinModelError';

  constructor(
    readonly status: number,
    readonly code: ChatErrorCode,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

export function modelUnavailable(modelId: string, reason: string): BuiltinModelError {
  return new BuiltinModelError(503, 'model_unavailable', `${modelId} is unavailable: ${reason}`);
}
