/** What a caller can tell `run()`, and the defaults it falls back to. */
import type { BackendOption } from './backend/choose.js';
import type { Clock } from './clock.js';
import type { LineWriter } from './sinks/stdout.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';

export interface Logger {
  debug?(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface RunOptions {
  /**
   * The backend (base URL ending in /v1). Without it: `OVS_BACKEND` from the environment; else,
   * with `OVERSHOOT_API_KEY` or `OVS_API_KEY` set, the hosted service; else the embedded server.
   * `apiKey` defaults to `OVS_API_KEY`, then `OVERSHOOT_API_KEY`.
   */
  backend?: BackendOption;
  /** Stream name -> id, `ovs://streams/<id>`, `file:PATH`, `rtsp://...`, `https://...m3u8`, `http(s)://...mjpeg`. */
  bindings?: Record<string, string>;
  /** Model name -> model id for this run, e.g. `{ gemma: 'builtin/motion' }`. */
  modelMap?: Record<string, string>;
  /** The run's event log (JSONL, appended and flushed per event). Without it events are not logged to a file. */
  eventsFile?: string;
  /** Where undeliverable events go (default `<eventsFile>.deadletter.jsonl`, else `ovs-deadletter.jsonl`). */
  deadLetterFile?: string;
  /** Real time by default; a VirtualClock for tests and replays. */
  clock?: Clock;
  /** Stop after this long (ms). */
  duration?: number;
  concurrency?: {
    /** Calls in flight across the pipeline when the IR sets no `limit concurrency` (default 16). */
    pipeline?: number;
    /** Calls in flight per model when the IR sets no limit for it (default: only the pipeline limit). */
    perModel?: number;
    /** Calls in flight to the backend, whatever the pipeline says (default: no extra cap). */
    backend?: number;
  };
  /** Per-attempt timeout of a model call (default 30 s). */
  callTimeoutMs?: number;
  /** Retries of model calls, stream requests and sink deliveries. */
  retry?: Partial<RetryPolicy>;
  /** Calls in flight get this long to finish when the run stops; sinks then get as long again (default 10 s). */
  graceMs?: number;
  /** How often stream status is polled to notice a source has ended (default 2 s; longer beyond 100 streams: at most 50 polls a second). */
  statusPollMs?: number;
  /** How long an escalation whose window reaches after the event waits beyond `afterMs` for those frames (default 10 s). */
  escalationWaitMs?: number;
  /** A model is reported failing after this many failures in a row (default 3). */
  failingAfter?: number;
  /** Where the stdout sink writes (default process.stdout); `false` silences it. */
  stdout?: LineWriter | false;
  /** One readable line per event (default), or one JSON object per line. */
  stdoutFormat?: 'text' | 'json';
  /**
   * Replays and tests: the pipeline's file, webhook and MQTT sinks are not opened; each delivery
   * succeeds at once and is only counted (`metrics().sinks`). Default false.
   */
  captureSinks?: boolean;
  /** Media root of the embedded server (default: the common directory of the local files used, else the working directory). */
  mediaRoot?: string;
  /** Directory relative paths in bindings and file sinks are resolved against (default process.cwd()). */
  cwd?: string;
  logger?: Logger;
  /** Aborting it stops the run (gracefully). */
  signal?: AbortSignal;
  /** Environment to read backend settings from (default process.env). */
  env?: Record<string, string | undefined>;
}

export const DEFAULTS = {
  pipelineConcurrency: 16,
  callTimeoutMs: 30_000,
  graceMs: 10_000,
  statusPollMs: 2_000,
  escalationWaitMs: 10_000,
  failingAfter: 3,
  streamRequestTimeoutMs: 30_000,
} as const;

export function retryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  return { ...DEFAULT_RETRY, ...overrides };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
