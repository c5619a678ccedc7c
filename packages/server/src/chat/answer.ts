/** The OpenAI-shaped answer to a chat completion: one JSON body, or server-sent events. */
import { randomUUID } from 'node:crypto';
import type { ChatCompletionChunk, ChatCompletionResponse, OvsResolvedEntry, Usage } from '@ovs/protocol';
import type { ModelResponse } from '../models/model.js';

export interface AnswerContext {
  readonly modelId: string;
  readonly createdS: number;
  readonly resolved: OvsResolvedEntry[];
  readonly threadId: string | null;
}

export function completionId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, '')}`;
}

function usageOf(response: ModelResponse): Usage {
  const { promptTokens, completionTokens } = response.usage;
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** The hosted service's observability block; there is no prompt cache here. */
function overshootMeta(threadId: string | null) {
  return { cache: { thread_id: threadId, cache_hit: false, cached_input_tokens: 0 } };
}

export function completionBody(id: string, context: AnswerContext, response: ModelResponse): ChatCompletionResponse {
  return {
    id,
    object: 'chat.completion',
    created: context.createdS,
    model: context.modelId,
    choices: response.choices.map((choice, index) => ({
      index,
      message: { role: 'assistant', content: choice.content },
      finish_reason: choice.finishReason,
    })),
    usage: usageOf(response),
    ovs_resolved: context.resolved,
    overshoot: overshootMeta(context.threadId),
  };
}

/**
 * The answer as SSE `data:` lines, OpenAI style: per choice a role chunk, a content chunk and a
 * finish chunk; with `includeUsage`, every chunk carries `usage: null` and a last chunk with no
 * choices carries the usage; then `data: [DONE]`. The first chunk carries `ovs_resolved`.
 */
export function completionEvents(id: string, context: AnswerContext, response: ModelResponse, includeUsage: boolean): string {
  const base = { id, object: 'chat.completion.chunk' as const, created: context.createdS, model: context.modelId };
  const chunks: ChatCompletionChunk[] = [];
  const withUsage = (chunk: ChatCompletionChunk): ChatCompletionChunk => (includeUsage ? { ...chunk, usage: null } : chunk);
  response.choices.forEach((choice, index) => {
    chunks.push(withUsage({ ...base, choices: [{ index, delta: { role: 'assistant', content: '' }, finish_reason: null }] }));
    if (choice.content !== '') chunks.push(withUsage({ ...base, choices: [{ index, delta: { content: choice.content }, finish_reason: null }] }));
    chunks.push(withUsage({ ...base, choices: [{ index, delta: {}, finish_reason: choice.finishReason }] }));
  });
  if (chunks[0]) chunks[0] = { ...chunks[0], ovs_resolved: context.resolved };
  if (includeUsage) chunks.push({ ...base, choices: [], usage: usageOf(response), overshoot: overshootMeta(context.threadId) });
  return `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`;
}
