/**
 * Server configuration: the options of `createServer`, their defaults, the JSON config file and
 * the `OVS_API_KEYS` environment variable, all validated with one schema so that a mistake in
 * any of them is reported the same way (which field, what is wrong).
 */
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ResponseCache } from './chat/response-cache.js';

const positiveInt = z.int().positive();

export const UpstreamConfigSchema = z.strictObject({
  /** Base URL of the OpenAI-compatible API, e.g. `http://127.0.0.1:8000/v1` (POSTs go to `<baseUrl>/chat/completions`). */
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /** The model name the upstream expects. */
  model: z.string().min(1),
  /** Bearer key sent upstream. Prefer `apiKeyEnv` so the key stays out of config files. */
  apiKey: z.string().min(1).optional(),
  /** Name of an environment variable holding the key. */
  apiKeyEnv: z.string().min(1).optional(),
  /** Abort an upstream call after this long (default 60 s): `upstream_timeout`, 504. */
  timeoutMs: positiveInt.optional(),
  /** Which field carries the token cap upstream; OpenAI's newer models want `max_completion_tokens`. */
  maxTokensField: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
  ownedBy: z.string().min(1).optional(),
});
export type UpstreamConfig = z.infer<typeof UpstreamConfigSchema>;

export const RetentionConfigSchema = z.strictObject({
  /** Frames older than this (stream clock) are evicted. Default 600 000 (the hosted service's 600 s). */
  durationMs: positiveInt.optional(),
  /** Per-stream cap on retained JPEG bytes; oldest frames go first. */
  streamBytes: positiveInt.optional(),
  /** Cap on retained JPEG bytes across all streams; the globally oldest frames go first. */
  totalBytes: positiveInt.optional(),
});

export const IngestConfigSchema = z.strictObject({
  /** Frames per second kept from pulled sources (default: every frame). */
  maxFps: z.number().positive().max(120).optional(),
  /** Downscale pulled frames so the longer side is at most this (default: keep the size). */
  maxSide: z.int().min(16).max(8192).optional(),
  /** ffmpeg MJPEG quality 2 (best) .. 31 (default 5). */
  jpegQuality: z.int().min(2).max(31).optional(),
  ffmpegPath: z.string().min(1).optional(),
  /** First reconnect delay, doubling up to `backoffMaxMs` (defaults 1000 and 30 000). */
  backoffMinMs: positiveInt.optional(),
  backoffMaxMs: positiveInt.optional(),
  /** A connected source silent for this long is restarted (default 20 000). */
  stallTimeoutMs: positiveInt.optional(),
});

/** Everything a JSON config file may hold (the library options minus code: logger, clock). */
export const ServerConfigSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.int().min(0).max(65535).optional(),
  /** Directory that `file` sources are confined to; without it, file sources are refused. */
  mediaRoot: z.string().min(1).optional(),
  /** Bearer keys accepted on every endpoint except GET /v1/models, /healthz, /readyz, /metrics. */
  apiKeys: z.array(z.string().min(8, 'an API key must be at least 8 characters')).optional(),
  /** Our model id (what clients send as `model`) -> an OpenAI-compatible upstream. */
  upstreams: z.record(z.string().min(1), UpstreamConfigSchema).optional(),
  retention: RetentionConfigSchema.optional(),
  ingest: IngestConfigSchema.optional(),
  /** Serve builtin/motion and builtin/detect (default true). */
  builtinModels: z.boolean().optional(),
  /** Longest side of images sent upstream; larger frames are downscaled (default 1280). */
  imageMaxSide: z.int().min(16).max(8192).optional(),
  /** Stream lease: a stream not kept alive for this long ends as `expired` (default 300 000). */
  leaseMs: positiveInt.optional(),
  /** Body limits: JSON requests (default 1 MiB) and pushed JPEG frames (default 10 MiB). */
  jsonBodyLimitBytes: positiveInt.optional(),
  frameBodyLimitBytes: positiveInt.optional(),
});
export type ServerConfig = z.infer<typeof ServerConfigSchema>;

/** Options of `createServer`: the config plus what only code can give. */
export interface ServerOptions extends ServerConfig {
  /** pino logger; the library is silent without one. */
  readonly logger?: Logger;
  /** Wall clock in Unix ms (default `Date.now`); tests and replays inject their own. */
  readonly now?: () => number;
  /**
   * Replays (`@ovs/replay`, `ovs test`): a file pulled with `pace: "asap"` is decoded ahead, but
   * each frame joins its stream only when `now` reaches its media time (stream time 0 = when the
   * stream was created), and `OvsServer.replay` tells how far decoding has got. Meant for a
   * virtual clock given as `now`. Models also load on their first call, and a call to a model
   * still loading waits for it instead of answering 503: loading takes no media time.
   */
  readonly replay?: boolean;
  /** Answer requests seen before from this cache instead of calling the model (off by default). */
  readonly responseCache?: ResponseCache;
}

/** A configuration that cannot be used; the message names the field and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  retentionMs: 600_000,
  streamBytes: 256 * 1024 * 1024,
  totalBytes: 1024 * 1024 * 1024,
  imageMaxSide: 1280,
  leaseMs: 300_000,
  jsonBodyLimitBytes: 1024 * 1024,
  frameBodyLimitBytes: 10 * 1024 * 1024,
  jpegQuality: 5,
  backoffMinMs: 1_000,
  backoffMaxMs: 30_000,
  stallTimeoutMs: 20_000,
  upstreamTimeoutMs: 60_000,
} as const;

/** Validates options given in code or read from a file; `origin` names them in errors. */
export function parseServerConfig(input: unknown, origin = 'server options'): ServerConfig {
  const parsed = ServerConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`);
    throw new ConfigError(`invalid ${origin}:\n${problems.join('\n')}`);
  }
  const config = parsed.data;
  const ingest = config.ingest;
  if (ingest?.backoffMinMs !== undefined && ingest.backoffMaxMs !== undefined && ingest.backoffMinMs > ingest.backoffMaxMs) {
    throw new ConfigError(`invalid ${origin}: ingest.backoffMinMs (${ingest.backoffMinMs}) is larger than ingest.backoffMaxMs (${ingest.backoffMaxMs})`);
  }
  return config;
}

/**
 * The media root must be an existing directory: checked at start, so a typo in `--media-root`
 * is reported then rather than as a confusing 422 on the first file source.
 */
export async function checkMediaRoot(mediaRoot: string | undefined): Promise<void> {
  if (mediaRoot === undefined) return;
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(mediaRoot)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`;
    throw new ConfigError(`mediaRoot (--media-root) "${mediaRoot}" ${why}: create the directory or point mediaRoot at an existing one`);
  }
  if (!isDirectory) {
    throw new ConfigError(`mediaRoot (--media-root) "${mediaRoot}" is not a directory: give the directory that holds the media files`);
  }
}

/** Reads and validates a JSON config file. */
export async function loadConfigFile(file: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseServerConfig(json, `config file ${file}`);
}

/** API keys from `OVS_API_KEYS` (comma-separated; blanks ignored). */
export function apiKeysFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const keys = (env.OVS_API_KEYS ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
  const short = keys.find((k) => k.length < 8);
  if (short !== undefined) throw new ConfigError('OVS_API_KEYS: every key must be at least 8 characters');
  return keys;
}

/**
 * Reads an `--upstream` flag: `ID=MODEL@BASE_URL`, e.g.
 * `qwen=Qwen/Qwen2.5-VL-7B-Instruct@http://127.0.0.1:8000/v1` (the last `@` splits, so model
 * names may contain `@`). Keys come from the config file (`apiKey` / `apiKeyEnv`).
 */
export function parseUpstreamFlag(text: string): [string, UpstreamConfig] {
  const eq = text.indexOf('=');
  const at = text.lastIndexOf('@');
  if (eq <= 0 || at <= eq + 1 || at === text.length - 1) {
    throw new ConfigError(`--upstream "${text}": expected ID=MODEL@BASE_URL, e.g. qwen=Qwen/Qwen2.5-VL-7B-Instruct@http://127.0.0.1:8000/v1`);
  }
  const id = text.slice(0, eq);
  const upstream = parseServerConfig({ upstreams: { [id]: { model: text.slice(eq + 1, at), baseUrl: text.slice(at + 1) } } }, `--upstream "${text}"`);
  return [id, upstream.upstreams![id]!];
}

/** The key an upstream sends, from `apiKey` or the variable `apiKeyEnv` names. */
export function upstreamApiKey(id: string, upstream: UpstreamConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (upstream.apiKey !== undefined) return upstream.apiKey;
  if (upstream.apiKeyEnv === undefined) return undefined;
  const key = env[upstream.apiKeyEnv];
  if (key === undefined || key === '') {
    throw new ConfigError(`upstreams.${id}.apiKeyEnv names ${upstream.apiKeyEnv}, which is not set`);
  }
  return key;
}

/** Hosts that only this machine can reach: serving them without a key is safe. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}
