/** The builtin CPU models: `builtin/motion` (frame differencing) and `builtin/detect` (COCO objects). */
import { DETECT_MODEL_ID } from './detect.js';
import { MOTION_MODEL_ID } from './motion.js';

export { createDetectModel, DETECT_MODEL_ID } from './detect.js';
export type { DetectModel, DetectModelOptions } from './detect.js';
export { createMotionModel, MOTION_MODEL_ID } from './motion.js';
export type { MotionModelOptions } from './motion.js';
export { BuiltinModelError } from './errors.js';
export type { PoolLogger as BuiltinModelLogger } from './worker-pool.js';
export { COCO_LABELS } from './coco-labels.js';

export const builtinModelIds = [MOTION_MODEL_ID, DETECT_MODEL_ID] as const;
export type BuiltinModelId = (typeof builtinModelIds)[number];
