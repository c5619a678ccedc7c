/** @ovs/replay: backtest a pipeline on recorded clips — replay on a virtual clock driven by media time, labels, evaluation and reports. */
export { replay, checkClipNames, ReplayError, type ReplayOptions, type ReplayResult, type ClipResult } from './replay.js';
export { parseLabels, readLabels, LabelsError, type Labels, type LabeledEvent } from './labels.js';
export { parseMediaTime, formatMediaTime, TIME_FORMS } from './media-time.js';
export { parseSpeed, describeSpeed, replayFps, SPEED_FORMS, type Speed } from './settings.js';
export { evaluate, alertsOf, DEFAULT_TOLERANCE_MS, type Evaluation, type LabelScore, type Alert, type Miss } from './evaluate.js';
export { modelUsage, type ModelUsage } from './costs.js';
export { buildReport, checkGates, renderReport, type PipelineReport, type Gates, type GateResult } from './report.js';
export { openResponseCache } from './cache.js';
export { ResponseCache, type ResponseCacheStats } from '@ovs/server';
