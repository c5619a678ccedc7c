/**
 * What the chat-completions route needs from a model, whatever runs it: a builtin CPU model
 * or an OpenAI-compatible upstream. By the time a request reaches a model, every `ovs://`
 * reference has been resolved to JPEG frames, in the order the parts were written.
 */

/** One resolved frame of a stream. */
export interface ResolvedFrame {
  readonly streamId: string;
  readonly index: number;
  readonly timestampMs: number;
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
}

export type ModelContentPart =
  | { readonly type: 'text'; readonly text: string }
  /** Frames from an `ovs://` image_url (one frame) or video_url (a window, in time order). */
  | { readonly type: 'frames'; readonly frames: readonly ResolvedFrame[]; readonly video: boolean }
  /** A plain `https:` or `data:` image URL, passed through unchanged. */
  | { readonly type: 'image_url'; readonly url: string };

export interface ModelMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool' | 'developer';
  readonly content: readonly ModelContentPart[];
}

export interface ModelRequest {
  readonly messages: readonly ModelMessage[];
  /** OpenAI-shape response_format, passed as given. */
  readonly responseFormat?: unknown;
  readonly maxTokens?: number;
  readonly temperature?: number;
  /** Number of choices asked for (OpenAI `n`). */
  readonly n: number;
  /** Every other field of the request, for upstreams that pass them on. */
  readonly extra: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
}

export interface ModelChoice {
  readonly content: string;
  readonly finishReason: 'stop' | 'length';
}

export interface ModelResponse {
  readonly choices: readonly ModelChoice[];
  readonly usage: { readonly promptTokens: number; readonly completionTokens: number };
}

export type ModelStatus = 'ready' | 'unavailable';

export interface Model {
  /** The id clients send as `model`, e.g. `builtin/motion`. */
  readonly id: string;
  readonly ownedBy: string;
  status(): ModelStatus;
  complete(request: ModelRequest): Promise<ModelResponse>;
  /**
   * For a model whose answer also depends on the requests before it (builtin/motion compares a
   * single frame with the previous frame of its stream): what of that memory a request's answer
   * depends on (part of the response cache's key), and remembering a request answered from the
   * cache as if it had been asked.
   */
  readonly memory?: ModelMemory;
  /** Releases workers, sockets, child processes. */
  close(): Promise<void>;
}

export interface ModelMemory {
  dependsOn(request: Omit<ModelRequest, 'signal'>): string;
  remember(request: Omit<ModelRequest, 'signal'>): void;
}
