export { FrameBudget, type BudgetMember } from './budget.js';
export {
  FrameRing,
  DEFAULT_RETENTION_MS,
  DEFAULT_STREAM_MAX_BYTES,
  type Frame,
  type FrameInput,
  type FrameRingOptions,
  type RingStatus,
} from './ring.js';
export { resolveImage, resolveVideo, describeFrame, type Resolution, type ResolveVideoOptions } from './resolve.js';
