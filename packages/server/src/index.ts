export { createServer, type OvsServer, type ReplayControl } from './server.js';
export { ResponseCache, type ResponseCacheStats } from './chat/response-cache.js';
export { createLogger } from './logger.js';
export { probeClip, type ClipFacts } from './ingest/segments.js';
export {
  apiKeysFromEnv,
  ConfigError,
  DEFAULTS as SERVER_DEFAULTS,
  isLoopbackHost,
  loadConfigFile,
  parseServerConfig,
  parseUpstreamFlag,
  ServerConfigSchema,
  type ServerConfig,
  type ServerOptions,
  type UpstreamConfig,
} from './config.js';
export type { Model, ModelMemory, ModelRequest, ModelResponse, ModelStatus, ModelContentPart, ModelMessage, ResolvedFrame } from './models/model.js';
