/**
 * Every error answer of the server, in the hosted service's shapes: chat completions (and
 * /v1/resolve, which answers for the same references) use `{detail:{error:{...}}}` or the
 * validation shape; stream endpoints and everything else use `{detail:"..."}`.
 */
import {
  chatErrorBody,
  refErrorBody,
  streamErrorBody,
  validationErrorBody,
  type ChatErrorCode,
  type RefError,
  type UpstreamError,
  type ValidationErrorDetail,
} from '@ovs/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** An answer other than success; `body` is already in the hosted shape. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
    /** The hosted error code, when the body has one (for metrics and logs). */
    readonly code?: string,
  ) {
    super(typeof body === 'object' && body !== null ? JSON.stringify(body) : String(body));
  }
}

export function streamError(status: number, detail: string): HttpError {
  return new HttpError(status, streamErrorBody(detail));
}

export function chatError(
  status: number,
  code: ChatErrorCode,
  message: string,
  extra: { param?: string; upstream?: UpstreamError | null; headers?: Record<string, string> } = {},
): HttpError {
  const { headers, ...rest } = extra;
  return new HttpError(status, chatErrorBody({ code, message, ...rest }), headers, code);
}

export function refHttpError(error: RefError): HttpError {
  return new HttpError(error.status, refErrorBody(error), {}, error.code);
}

export function validationError(message: string, details: ValidationErrorDetail[] = [], status = 422): HttpError {
  return new HttpError(status, validationErrorBody(message, details), {}, 'validation_error');
}

/**
 * Something a model reports about a request in a shape the client may see: the builtin models'
 * errors and the upstream adapter's errors both carry an HTTP status and a hosted code.
 */
export interface ModelCallFailure {
  readonly status: number;
  readonly code: ChatErrorCode;
  readonly message: string;
  readonly param?: string;
  /** Set when the fault is a request body field: answered in the validation shape at `body.<field>`. */
  readonly field?: string;
  readonly upstream?: UpstreamError | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export function isModelCallFailure(error: unknown): error is ModelCallFailure {
  if (!(error instanceof Error)) return false;
  const e = error as Error & Partial<ModelCallFailure>;
  return typeof e.status === 'number' && e.status >= 400 && e.status <= 599 && typeof e.code === 'string' && (e.code as string) !== '';
}

type Family = 'chat' | 'stream';

/** Which error shape a path answers in. */
function familyOf(url: string): Family {
  return /^\/v1\/(chat\/completions|resolve)(?:[/?]|$)/.test(url) ? 'chat' : 'stream';
}

function humanBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/**
 * The answer for an error fastify raised before a handler ran (body parsing and limits), or
 * that a handler threw. Client mistakes keep their 4xx; anything else is a 500 whose body says
 * nothing of the internals (the log has them).
 */
export function httpErrorFor(error: FastifyError | Error, request: FastifyRequest, limits: { json: number; frame: number }): HttpError {
  if (error instanceof HttpError) return error;
  const family = familyOf(request.url);
  const fail = (status: number, message: string, type: string): HttpError =>
    family === 'chat' ? validationError(message, [{ loc: ['body'], msg: message, type }], status) : streamError(status, message);
  const code = (error as FastifyError).code;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const isFrame = /\/frames(?:[/?]|$)/.test(request.url);
      return fail(413, `request body too large: the limit is ${humanBytes(isFrame ? limits.frame : limits.json)}`, 'body_too_large');
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const isFrame = /\/frames(?:[/?]|$)/.test(request.url);
      const want = isFrame ? 'image/jpeg' : 'application/json';
      return fail(415, `unsupported Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')}: send ${want}`, 'content_type');
    }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return fail(422, 'the request body is empty: send a JSON object', 'json_invalid');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return fail(422, `the request body is not valid JSON: ${error.message}`, 'json_invalid');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return fail(400, 'the Content-Length header does not match the body', 'content_length');
  }
  if (error instanceof SyntaxError) return fail(422, `the request body is not valid JSON: ${error.message}`, 'json_invalid');
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) return fail(status, error.message, 'request_invalid');
  return family === 'chat'
    ? chatError(500, 'internal_error', 'internal error; the server log has the details')
    : streamError(500, 'Internal server error');
}

export function sendHttpError(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply.code(error.status).headers(error.headers).type('application/json; charset=utf-8').send(error.body);
}

export function notFound(request: FastifyRequest): HttpError {
  return streamError(404, `Not Found: no route for ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}`);
}
