/**
 * Error shapes of the hosted service, reproduced exactly so clients written against it keep
 * working: chat completions answer `{detail:{error:{message,type,code,upstream?}}}`, request
 * validation answers `{error:"validation_error",message,details:[]}`, stream endpoints answer
 * `{detail:"..."}`.
 */
import { z } from 'zod';

/**
 * The `error.code`s the hosted service documents for chat completions, plus `rate_limited` and
 * `internal_error` (ours, for 429 and 500 answers, which the hosted docs leave uncoded).
 */
export const CHAT_ERROR_CODES = [
  'stream_url_invalid',
  'query_param_invalid',
  'stream_not_found',
  'stream_unauthorized',
  'segment_empty',
  'segment_invalid',
  'frame_evicted',
  'frame_not_yet_produced',
  'model_unavailable',
  'model_video_unsupported',
  'provider_safety_block',
  'billing_denied',
  'upstream_timeout',
  'upstream_request_failed',
  'rate_limited',
  'internal_error',
] as const;

/** A documented code, or `upstream_http_<status>` (the upstream's HTTP status, kept). */
export type ChatErrorCode = (typeof CHAT_ERROR_CODES)[number] | `upstream_http_${number}`;

export const CHAT_ERROR_TYPES = [
  'stream_error',
  'validation_error',
  'provider_error',
  'upstream_error',
  'billing_error',
  'rate_limit_error',
  'internal_error',
] as const;
export type ChatErrorType = (typeof CHAT_ERROR_TYPES)[number];

export function upstreamHttpCode(status: number): ChatErrorCode {
  return `upstream_http_${status}`;
}

/** The `error.type` family a code belongs to. */
export function errorTypeFor(code: ChatErrorCode): ChatErrorType {
  if (code.startsWith('upstream_')) return 'upstream_error';
  switch (code) {
    case 'stream_url_invalid':
    case 'query_param_invalid':
      return 'validation_error';
    case 'model_unavailable':
    case 'model_video_unsupported':
    case 'provider_safety_block':
      return 'provider_error';
    case 'billing_denied':
      return 'billing_error';
    case 'rate_limited':
      return 'rate_limit_error';
    case 'internal_error':
      return 'internal_error';
    default:
      return 'stream_error';
  }
}

/**
 * Why an `ovs://` reference could not be parsed or resolved. The seeds answer 422 for every
 * malformed or unsatisfiable reference (newer hosted docs use 400/409/410 for some of these;
 * the seeds win), so `status` is 422 for every code produced by this package and the frame
 * resolver.
 */
export type RefErrorCode =
  | 'stream_url_invalid'
  | 'query_param_invalid'
  | 'segment_empty'
  | 'segment_invalid'
  | 'frame_not_yet_produced';

export interface RefError {
  readonly status: 422;
  readonly code: RefErrorCode;
  /** What was wrong and how to fix it; safe to show to the client. */
  readonly message: string;
  /** The query key (or `stream_id`) at fault, when there is one. */
  readonly param?: string;
}

export type Result<T, E = RefError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function refError(code: RefErrorCode, message: string, param?: string): RefError {
  return param === undefined ? { status: 422, code, message } : { status: 422, code, message, param };
}

// ---- wire shapes ----

export const UpstreamErrorSchema = z.looseObject({
  provider: z.string().optional(),
  status: z.int().optional(),
  body: z.unknown().optional(),
  rate_limits: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type UpstreamError = z.infer<typeof UpstreamErrorSchema>;

export const ChatErrorBodySchema = z.object({
  detail: z.object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      code: z.string(),
      param: z.string().optional(),
      upstream: UpstreamErrorSchema.nullable().optional(),
    }),
  }),
});
export type ChatErrorBody = z.infer<typeof ChatErrorBodySchema>;

export const ValidationErrorDetailSchema = z.object({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
});
export type ValidationErrorDetail = z.infer<typeof ValidationErrorDetailSchema>;

export const ValidationErrorBodySchema = z.object({
  error: z.literal('validation_error'),
  message: z.string(),
  details: z.array(ValidationErrorDetailSchema),
});
export type ValidationErrorBody = z.infer<typeof ValidationErrorBodySchema>;

/** Stream-lifecycle endpoints (and 401s) answer a plain `{detail: "..."}`. */
export const StreamErrorBodySchema = z.object({ detail: z.string() });
export type StreamErrorBody = z.infer<typeof StreamErrorBodySchema>;

export function chatErrorBody(args: {
  code: ChatErrorCode;
  message: string;
  type?: ChatErrorType;
  param?: string;
  upstream?: UpstreamError | null;
}): ChatErrorBody {
  const error: ChatErrorBody['detail']['error'] = {
    message: args.message,
    type: args.type ?? errorTypeFor(args.code),
    code: args.code,
  };
  if (args.param !== undefined) error.param = args.param;
  if (args.upstream !== undefined) error.upstream = args.upstream;
  return { detail: { error } };
}

/** The chat-completions body for a reference that could not be parsed or resolved. */
export function refErrorBody(error: RefError): ChatErrorBody {
  return chatErrorBody(
    error.param === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, param: error.param },
  );
}

export function validationErrorBody(message: string, details: ValidationErrorDetail[] = []): ValidationErrorBody {
  return { error: 'validation_error', message, details };
}

/**
 * Turns zod issues into the hosted `details` list (`loc` starts with "body", as FastAPI does).
 * A union whose every option but one failed on the value's very type (content: a string, or a
 * list of parts) reports that one option's issues, so the detail names the part at fault.
 */
export function validationDetailsFromZod(error: z.ZodError): ValidationErrorDetail[] {
  return error.issues.flatMap((issue) => detailsOf(issue, []));
}

type Path = ReadonlyArray<string | number>;

function detailsOf(issue: z.core.$ZodIssue, prefix: Path): ValidationErrorDetail[] {
  const path: Path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const plausible = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
    if (plausible.length === 1) return plausible[0]!.flatMap((inner) => detailsOf(inner, path));
  }
  return [{ loc: ['body', ...path], msg: issue.message, type: issue.code }];
}

/** `Request validation failed: messages[0].content[2].type: <what is wrong>` for the first detail. */
export function validationMessage(details: readonly ValidationErrorDetail[]): string {
  const first = details[0];
  if (first === undefined) return 'Request validation failed';
  const where = first.loc
    .slice(first.loc[0] === 'body' ? 1 : 0)
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
  return `Request validation failed: ${where === '' ? '' : `${where}: `}${first.msg}`;
}

export function streamErrorBody(detail: string): StreamErrorBody {
  return { detail };
}
