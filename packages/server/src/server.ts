/**
 * `createServer(options)`: the whole backend on one machine, listening on HTTP. The runner
 * embeds it in-process; `ovs serve` runs it from the command line.
 */
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { checkMediaRoot, ConfigError, DEFAULTS, isLoopbackHost, parseServerConfig, upstreamApiKey, type ServerOptions } from './config.js';
import { buildApp } from './http/app.js';
import { inProcessFetch, type InProcessFetch } from './http/in-process-fetch.js';
import { serverLogger } from './logger.js';
import type { AppContext } from './http/context.js';
import { Metrics } from './metrics.js';
import { createDetectModel, createMotionModel } from './models/builtin/index.js';
import type { Model } from './models/model.js';
import { ModelRegistry } from './models/registry.js';
import { createUpstreamModel } from './models/upstream.js';
import { StreamManager } from './streams/manager.js';

export interface OvsServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`; the OpenAI-compatible API is under `${url}/v1`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Ids of the models served (GET /v1/models lists them with their status). */
  readonly models: readonly string[];
  /**
   * The API in-process, with the global fetch's shape (`fetch(\`${url}/v1/models\`)`): the same
   * routes and answers as over HTTP, without sockets. What an embedding runner talks through.
   */
  readonly fetch: InProcessFetch;
  /** Present when created with `replay: true`. */
  readonly replay?: ReplayControl;
  /** Stops listening, ends every stream (every ffmpeg child exits) and releases the models. */
  close(): Promise<void>;
}

/** What a replay driver asks the server in-process (see `ServerOptions.replay`). */
export interface ReplayControl {
  /**
   * How far the clock may move for a replayed stream, in stream time: up to just before its
   * newest decoded frame (every frame up to there is decoded, and the stream does not end before
   * it), or anywhere once its source has ended (Infinity). First lets in every frame `now` has
   * reached; resolves once that reaches `streamTimeMs`, or earlier when the decode-ahead buffer
   * is full (move the clock there first: that frees it). Rejects when the source failed or the
   * stream is not a replayed one.
   */
  reach(streamId: string, streamTimeMs: number): Promise<number>;
}

/** Bytes of decoded frames a replayed stream may hold ahead of the clock before ffmpeg is paused. */
const REPLAY_BUFFER_BYTES = 64 * 1024 * 1024;

/** How long an ffmpeg child gets to exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 2_000;

export async function createServer(options: ServerOptions = {}): Promise<OvsServer> {
  const { logger: givenLogger, now: givenNow, replay = false, responseCache, ...rest } = options;
  const config = parseServerConfig(rest);
  const host = config.host ?? DEFAULTS.host;
  const apiKeys = config.apiKeys ?? [];
  if (apiKeys.length === 0 && !isLoopbackHost(host)) {
    throw new ConfigError(
      `refusing to listen on ${host} without an API key: anyone who can reach it could use it. Set apiKeys in the config file or OVS_API_KEYS, or listen on 127.0.0.1`,
    );
  }
  await checkMediaRoot(config.mediaRoot);
  const now = givenNow ?? Date.now;
  const logger = serverLogger(givenLogger);
  const metrics = new Metrics();

  const models: Model[] = [];
  if (config.builtinModels ?? true) {
    const modelLogger = logger.child({ models: 'builtin' });
    // A replay loads the detector on its first call (a replay answered from the cache never does).
    models.push(createMotionModel(), createDetectModel({ preload: !replay, logger: { info: (m) => modelLogger.info(m), warn: (m) => modelLogger.warn(m), error: (m) => modelLogger.error(m) } }));
  }
  for (const [id, upstream] of Object.entries(config.upstreams ?? {})) {
    const apiKey = upstreamApiKey(id, upstream);
    models.push(
      createUpstreamModel({
        id,
        baseUrl: upstream.baseUrl,
        model: upstream.model,
        ...(apiKey !== undefined ? { apiKey } : {}),
        timeoutMs: upstream.timeoutMs ?? DEFAULTS.upstreamTimeoutMs,
        maxTokensField: upstream.maxTokensField ?? 'max_tokens',
        ownedBy: upstream.ownedBy ?? new URL(upstream.baseUrl).host,
        imageMaxSide: config.imageMaxSide ?? DEFAULTS.imageMaxSide,
        logger: logger.child({ model: id }),
      }),
    );
  }
  let registry: ModelRegistry;
  try {
    registry = new ModelRegistry(models, Math.floor(now() / 1000));
  } catch (error) {
    await Promise.allSettled(models.map((m) => m.close()));
    throw new ConfigError((error as Error).message);
  }

  const ingest = config.ingest ?? {};
  const streams = new StreamManager({
    retentionMs: config.retention?.durationMs ?? DEFAULTS.retentionMs,
    streamBytes: config.retention?.streamBytes ?? DEFAULTS.streamBytes,
    totalBytes: config.retention?.totalBytes ?? DEFAULTS.totalBytes,
    leaseMs: config.leaseMs ?? DEFAULTS.leaseMs,
    mediaRoot: config.mediaRoot,
    ingest: {
      output: {
        jpegQuality: ingest.jpegQuality ?? DEFAULTS.jpegQuality,
        ...(ingest.maxFps !== undefined ? { maxFps: ingest.maxFps } : {}),
        ...(ingest.maxSide !== undefined ? { maxSide: ingest.maxSide } : {}),
      },
      ffmpegPath: ingest.ffmpegPath ?? 'ffmpeg',
      backoff: { minMs: ingest.backoffMinMs ?? DEFAULTS.backoffMinMs, maxMs: ingest.backoffMaxMs ?? DEFAULTS.backoffMaxMs },
      stallTimeoutMs: ingest.stallTimeoutMs ?? DEFAULTS.stallTimeoutMs,
      stopGraceMs: STOP_GRACE_MS,
    },
    now,
    logger,
    metrics,
    ...(replay ? { replay: { bufferBytes: REPLAY_BUFFER_BYTES, parallelism: availableParallelism() } } : {}),
  });
  registerGauges(metrics, streams, registry);

  let url = '';
  let closing = false;
  const context: AppContext = {
    streams,
    registry,
    metrics,
    logger,
    now,
    limits: { json: config.jsonBodyLimitBytes ?? DEFAULTS.jsonBodyLimitBytes, frame: config.frameBodyLimitBytes ?? DEFAULTS.frameBodyLimitBytes },
    apiKeys,
    baseUrl: () => url,
    isClosing: () => closing,
    responseCache,
    replay,
  };
  const app = buildApp(context);
  try {
    await app.listen({ host, port: config.port ?? DEFAULTS.port });
  } catch (error) {
    await Promise.allSettled([app.close(), registry.close()]);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`cannot listen on ${host}:${config.port}: the port is in use; pick another port (or 0 for any free one)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new ConfigError(`cannot listen on ${host}: no such address on this machine`);
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url, models: registry.ids(), auth: apiKeys.length > 0 }, 'ovs server listening');

  let closed: Promise<void> | undefined;
  return {
    url,
    host,
    port: address.port,
    models: registry.ids(),
    fetch: inProcessFetch(app),
    ...(replay
      ? {
          replay: {
            reach: (streamId: string, streamTimeMs: number) =>
              streams.reach(streamId, streamTimeMs) ?? Promise.reject(new Error(`stream ${streamId} is not replayed: create it with a file source and pace "asap"`)),
          },
        }
      : {}),
    close: () => {
      closed ??= (async () => {
        closing = true;
        await streams.close();
        await app.close();
        await registry.close();
        logger.info('ovs server closed');
      })();
      return closed;
    },
  };
}

function registerGauges(metrics: Metrics, streams: StreamManager, registry: ModelRegistry): void {
  metrics.gauge('ovs_streams', 'Streams by state.', () => {
    const all = streams.list();
    const active = all.filter((s) => s.state === 'active').length;
    return [
      [{ state: 'active' }, active],
      [{ state: 'ended' }, all.length - active],
    ];
  });
  metrics.gauge('ovs_retained_bytes', 'JPEG bytes retained across all streams.', () => streams.retainedBytes);
  metrics.gauge('ovs_ingest_sources', 'Pulled sources by ingest state.', () => {
    const counts = new Map<string, number>();
    for (const s of streams.list()) {
      const state = s.status().ingest?.state;
      if (state) counts.set(state, (counts.get(state) ?? 0) + 1);
    }
    return [...counts].map(([state, n]) => [{ state }, n] as const);
  });
  metrics.gauge('ovs_model_ready', 'Whether each model is ready (1) or unavailable (0).', () =>
    registry.list().map((m) => [{ model: m.id }, m.status === 'ready' ? 1 : 0] as const),
  );
  metrics.gauge('process_resident_memory_bytes', 'Resident memory of the server process.', () => process.memoryUsage.rss());
}
