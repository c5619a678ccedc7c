/**
 * One model call, the way every part of the runner makes it: through the concurrency gates (at
 * a priority), counted against budgets, timed, retried by the chat client, and recorded in the
 * model's metrics. A failure is an outcome, never an exception.
 */
import type { Budget, ModelNode } from '@ovs/ir';
import type { ResponseFormat } from './answers.js';
import type { ChatClient, ChatRequest, ChatResult } from './backend/chat.js';
import { BackendError } from './backend/http-error.js';
import type { Budgets } from './budgets.js';
import type { Clock } from './clock.js';
import { describeError } from './errors.js';
import { Priority, type CallLimits } from './limits.js';
import type { ModelCounter } from './metrics.js';
import type { RefPart } from './refs.js';

/** A model node as this run calls it. */
export interface ModelEntry {
  readonly node: ModelNode;
  /** The id sent to the backend, after `modelMap`. */
  readonly id: string;
  readonly counter: ModelCounter;
}

export type CallOutcome =
  | ({ ok: true; latencyMs: number } & ChatResult)
  /** `noFrames`: the stream had no frame to show yet (not the model's failure); `cancelled`: the run stopped it. */
  | { ok: false; error: unknown; message: string; latencyMs: number; noFrames: boolean; cancelled: boolean };

/** Backend codes meaning "nothing to look at yet" (a source still connecting, an empty window). */
const NO_FRAMES = new Set(['frame_not_yet_produced', 'segment_empty']);

export interface CallerHooks {
  onFailing(model: ModelEntry, message: string): void;
  onRecovered(model: ModelEntry): void;
  /** An escalation goes ahead although a budget it counts against is spent (budgets hold back routine calls only). */
  onEscalationOverBudget(model: ModelEntry, budget: Budget): void;
}

/** Request fields a model's params may not override. */
const RESERVED = new Set(['model', 'messages', 'response_format', 'stream', 'n']);

export function buildRequest(
  model: ModelEntry,
  prompt: { system?: string; text: string },
  parts: ReadonlyArray<RefPart | { type: 'text'; text: string }>,
  responseFormat: ResponseFormat | undefined,
): ChatRequest {
  const params = Object.fromEntries(Object.entries(model.node.params).filter(([k]) => !RESERVED.has(k)));
  return {
    ...params,
    model: model.id,
    messages: [
      ...(prompt.system ? [{ role: 'system', content: prompt.system }] : []),
      { role: 'user', content: [{ type: 'text', text: prompt.text }, ...parts] },
    ],
    ...(responseFormat ? { response_format: responseFormat } : {}),
  };
}

export class ModelCaller {
  constructor(
    private readonly chat: ChatClient,
    private readonly limits: CallLimits,
    private readonly budgets: Budgets,
    private readonly clock: Clock,
    private readonly hooks: CallerHooks,
  ) {}

  /** `deadline` (clock time): no retry starts after it — a routine watch call's retries must not outlive its tick. */
  async call(model: ModelEntry, priority: Priority, request: ChatRequest, deadline?: number): Promise<CallOutcome> {
    const counter = model.counter;
    if (priority === Priority.Escalation) {
      const spent = this.budgets.exhausted(model.node.id);
      if (spent) this.hooks.onEscalationOverBudget(model, spent);
    }
    return this.limits.run(model.node.id, priority, async () => {
      const started = this.clock.now();
      this.budgets.recordCall(model.node.id);
      try {
        const result = await this.chat.complete(request, { onRetry: () => void counter.metrics.retries++, ...(deadline !== undefined ? { deadline } : {}) });
        const latencyMs = this.clock.now() - started;
        this.budgets.recordTokens(model.node.id, result.tokens);
        if (counter.succeeded(latencyMs, result.tokens)) this.hooks.onRecovered(model);
        return { ok: true as const, latencyMs, ...result };
      } catch (error) {
        const message = describeError(error);
        const cancelled = error instanceof BackendError && error.kind === 'aborted';
        const noFrames = error instanceof BackendError && error.code !== undefined && NO_FRAMES.has(error.code);
        if (!cancelled && !noFrames && counter.failed(message)) this.hooks.onFailing(model, message);
        return { ok: false as const, error, message, latencyMs: this.clock.now() - started, noFrames, cancelled };
      }
    });
  }
}

export { Priority };
