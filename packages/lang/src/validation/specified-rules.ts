/** Every check `validate()` runs, in order of code. Codes are stable: a retired code is never reused. */
import type { ValidationRule } from './context.js';
import { confidenceRange } from './rules/confidence-range.js';
import { duplicateDeclaration } from './rules/duplicate-declaration.js';
import { duplicateLimit } from './rules/duplicate-limit.js';
import { duplicateParam } from './rules/duplicate-param.js';
import { durationAmount } from './rules/duration-amount.js';
import { durationMissingUnit } from './rules/duration-missing-unit.js';
import { durationUnknownUnit } from './rules/duration-unknown-unit.js';
import { emptyLabel } from './rules/empty-label.js';
import { emptyWindow } from './rules/empty-window.js';
import { fpsPositive } from './rules/fps-positive.js';
import { kOfN } from './rules/k-of-n.js';
import { limitAmount } from './rules/limit-amount.js';
import { modelId } from './rules/model-id.js';
import { periodPositive } from './rules/period-positive.js';
import { repeatedInWatch } from './rules/repeated-in-watch.js';
import { scheduleTime } from './rules/schedule-time.js';
import { sinkTarget } from './rules/sink-target.js';
import { streamKeyword } from './rules/stream-keyword.js';
import { streamSource } from './rules/stream-source.js';
import { unknownModel } from './rules/unknown-model.js';
import { unknownSink } from './rules/unknown-sink.js';
import { voteCount } from './rules/vote-count.js';
import { watchWindowAfter } from './rules/watch-window-after.js';
import { watchWithoutRules } from './rules/watch-without-rules.js';
import { windowFrames } from './rules/window-frames.js';
import { windowRetention } from './rules/window-retention.js';

export const specifiedRules: readonly ValidationRule[] = Object.freeze([
  unknownModel, // OVS1001
  unknownSink, // OVS1002
  duplicateDeclaration, // OVS1003
  durationMissingUnit, // OVS1004
  durationUnknownUnit, // OVS1005
  durationAmount, // OVS1006
  periodPositive, // OVS1007
  kOfN, // OVS1008
  confidenceRange, // OVS1009
  fpsPositive, // OVS1010
  windowRetention, // OVS1011
  emptyWindow, // OVS1012
  voteCount, // OVS1013
  duplicateLimit, // OVS1014
  limitAmount, // OVS1015
  scheduleTime, // OVS1016
  watchWithoutRules, // OVS1017
  streamKeyword, // OVS1018
  repeatedInWatch, // OVS1019
  duplicateParam, // OVS1020
  emptyLabel, // OVS1021
  streamSource, // OVS1022
  sinkTarget, // OVS1023
  modelId, // OVS1024
  windowFrames, // OVS1025
  watchWindowAfter, // OVS1026
]);
