import type { Logger } from 'pino';
import type { ResponseCache } from '../chat/response-cache.js';
import type { Metrics } from '../metrics.js';
import type { ModelRegistry } from '../models/registry.js';
import type { StreamManager } from '../streams/manager.js';

/** What the routes share: the server's state and settings. */
export interface AppContext {
  readonly streams: StreamManager;
  readonly registry: ModelRegistry;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly now: () => number;
  readonly limits: { readonly json: number; readonly frame: number };
  readonly apiKeys: readonly string[];
  /** The server's base URL once listening (for `publish` URLs). */
  readonly baseUrl: () => string;
  readonly isClosing: () => boolean;
  /** When set, chat completions seen before are answered from it. */
  readonly responseCache: ResponseCache | undefined;
  /** Replay mode: a model still loading is waited for instead of answering 503 (loading takes no media time). */
  readonly replay: boolean;
}
