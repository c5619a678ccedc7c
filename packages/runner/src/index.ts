/** @ovs/runner: execute a compiled .ovs pipeline (its graph IR) against any Overshoot-compatible backend. */
export {
  run,
  type RunHandle,
  type RunSummary,
  type RunMetrics,
  type RunInfo,
  type RunIssue,
  type RunEventMap,
  type StatusUpdate,
  type StatusKind,
  type StopReason,
  type StreamMetrics,
} from './run.js';
export type { RunOptions, Logger } from './options.js';
export { RunError, type RunErrorCode } from './errors.js';
export type { EventRecord, EventStatus, EscalationRecord, PinnedFrame, StreamInfo, Vote } from './events.js';
export type { AnswerRecord } from './watch.js';
export type { WatchMetrics, ModelMetrics, EventCounts, LastAnswer, SampleSummary } from './metrics.js';
export type { SinkStats, DeadLetter } from './sinks/index.js';
export { formatEventLine } from './sinks/index.js';
export { ensureDirectory } from './directories.js';
export { RealClock, VirtualClock, type Clock, type Timer } from './clock.js';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
export { parseBinding, BINDING_FORMS } from './bindings.js';
export { chooseBackend, HOSTED_URL, type BackendChoice, type BackendKind } from './backend/choose.js';
export { readWatchAnswer, readEscalationAnswer, watchResponseFormat, escalationResponseFormat, type WatchAnswer, type EscalationAnswer, type LabelVerdict } from './answers.js';
