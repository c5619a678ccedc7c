/** `GET /v1/models`, in the OpenAI list shape with the hosted service's `status`. */
import { z } from 'zod';

export const ModelStatusSchema = z.enum(['ready', 'unavailable']);
export type ModelStatus = z.infer<typeof ModelStatusSchema>;

export const ModelInfoSchema = z.looseObject({
  id: z.string(),
  object: z.literal('model'),
  /** Unix seconds when the model entry was registered. */
  created: z.int(),
  owned_by: z.string(),
  status: ModelStatusSchema,
});
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

export const ModelsResponseSchema = z.object({
  object: z.literal('list'),
  data: z.array(ModelInfoSchema),
});
export type ModelsResponse = z.infer<typeof ModelsResponseSchema>;
