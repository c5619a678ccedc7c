export { createServer, type OvsServer } from './server.js';
export { createLogger } from './logger.js';
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
export type { Model, ModelRequest, ModelResponse, ModelStatus, ModelContentPart, ModelMessage, ResolvedFrame } from './models/model.js';
