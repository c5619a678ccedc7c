/**
 * `GET /models`: which model ids the backend serves, so a pipeline naming a model the backend
 * does not have fails before it starts instead of failing on every call. A backend that does
 * not list its models (or cannot be asked) is not checked.
 */
import { z } from 'zod';
import { describeError } from '../errors.js';
import { requestJson, type HttpOptions } from './http.js';

const ModelList = z.object({ data: z.array(z.looseObject({ id: z.string(), status: z.string().optional() })) });

export interface ServedModel {
  id: string;
  /** `ready`, `unavailable` (or `loading` on older hosted versions), when the backend says. */
  status?: string;
}

export async function listModels(options: HttpOptions): Promise<{ models: ServedModel[] } | { unknown: string; error: unknown }> {
  try {
    const list = await requestJson(options, 'GET', '/models', ModelList);
    return { models: list.data.map((m) => ({ id: m.id, ...(m.status ? { status: m.status } : {}) })) };
  } catch (error) {
    return { unknown: describeError(error), error };
  }
}
