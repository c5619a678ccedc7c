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
    /**
     * A request body field the model cannot accept (e.g. `response_format`): the failure is
     * answered as a request validation error at `body.<field>`, not as a chat error.
     */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A request field this model cannot work with: 422 in the validation shape, naming the field. */
export function invalidRequestField(field: string, message: string): BuiltinModelError {
  return new BuiltinModelError(422, 'query_param_invalid', message, field, field);
}

export function modelUnavailable(modelId: string, reason: string): BuiltinModelError {
  return new BuiltinModelError(503, 'model_unavailable', `${modelId} is unavailable: ${reason}`);
}
