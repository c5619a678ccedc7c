/**
 * A response cache for chat completions, on disk: a request seen before is answered with the
 * answer it got then, without calling the model. Replays use it (`ovs test`), so re-running an
 * unchanged pipeline over the same clip costs no model call and a changed rule pays only for the
 * calls that changed.
 *
 * The key is what the answer depends on, after resolution: the model id, every message (text as
 * written, each `ovs://` reference as the sha256 of its frames' JPEG bytes in order, so stream
 * ids and frame indices do not matter, other image URLs as written), `response_format`, the token
 * limit, temperature, `n` and every other field passed to the model; and, for a model that
 * remembers earlier requests (`Model.memory`), what of that memory the answer depends on.
 *
 * One file per key, `<dir>/<2 hex>/<64 hex>.json`, written to a temporary file and renamed into
 * place, so concurrent writers never leave half an entry; an entry that cannot be read is a miss
 * and is overwritten.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { frameDigest } from '../frames/digest.js';
import type { ModelRequest, ModelResponse } from '../models/model.js';

/** Bump when the key material or the entry's shape changes: old entries are then simply missed. */
const FORMAT = 1;

const EntrySchema = z.object({
  format: z.literal(FORMAT),
  model: z.string(),
  response: z.object({
    choices: z.array(z.object({ content: z.string(), finishReason: z.enum(['stop', 'length']) })).min(1),
    usage: z.object({ promptTokens: z.number().int().min(0), completionTokens: z.number().int().min(0) }),
  }),
});

export interface ResponseCacheStats {
  /** Requests answered from the cache. */
  hits: number;
  /** Requests the model had to answer. */
  misses: number;
  /** Entries found but unreadable (corrupt or from another format): counted as misses too. */
  unreadable: number;
  /** Answers that could not be written (the cache keeps working without them). */
  writeErrors: number;
}

export class ResponseCache {
  readonly #stats = new Map<string, ResponseCacheStats>();

  constructor(readonly directory: string) {}

  /** The key of a request to `modelId`; `memory` is what a stateful model's answer also depends on. */
  key(modelId: string, request: Omit<ModelRequest, 'signal'>, memory?: string): string {
    const messages = request.messages.map((message) => ({
      role: message.role,
      content: message.content.map((part) => {
        switch (part.type) {
          case 'text':
            return { text: part.text };
          case 'frames':
            return { frames: part.frames.map((f) => frameDigest(f.jpeg)), video: part.video };
          case 'image_url':
            return { url: part.url };
        }
      }),
    }));
    const material = {
      format: FORMAT,
      model: modelId,
      messages,
      responseFormat: request.responseFormat ?? null,
      maxTokens: request.maxTokens ?? null,
      temperature: request.temperature ?? null,
      n: request.n,
      extra: request.extra,
      memory: memory ?? null,
    };
    return createHash('sha256').update(canonicalJson(material)).digest('hex');
  }

  /** The cached answer for `key`, or undefined (counted as a hit or a miss of `modelId`). */
  async get(modelId: string, key: string): Promise<ModelResponse | undefined> {
    const stats = this.#statsOf(modelId);
    let text: string;
    try {
      // An entry is a small local file: read at once, it costs microseconds, a twentieth of what
      // an asynchronous read costs the event loop (a replay reads one per call).
      text = readFileSync(this.#file(key), 'utf8');
    } catch {
      stats.misses++;
      return undefined;
    }
    let parsed;
    try {
      parsed = EntrySchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success || parsed.data.model !== modelId) {
      stats.unreadable++;
      stats.misses++;
      return undefined;
    }
    stats.hits++;
    return parsed.data.response;
  }

  /** Stores an answer; never throws (a cache that cannot be written only costs future calls). */
  async put(modelId: string, key: string, response: ModelResponse): Promise<void> {
    const file = this.#file(key);
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const entry = { format: FORMAT, model: modelId, response: { choices: response.choices, usage: response.usage } };
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temp, JSON.stringify(entry));
      await rename(temp, file);
    } catch {
      this.#statsOf(modelId).writeErrors++;
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }

  /** Hits, misses and problems per model id since this cache was opened. */
  stats(): Record<string, ResponseCacheStats> {
    return Object.fromEntries([...this.#stats].map(([model, s]) => [model, { ...s }]));
  }

  #statsOf(modelId: string): ResponseCacheStats {
    let stats = this.#stats.get(modelId);
    if (!stats) this.#stats.set(modelId, (stats = { hits: 0, misses: 0, unreadable: 0, writeErrors: 0 }));
    return stats;
  }

  #file(key: string): string {
    return path.join(this.directory, key.slice(0, 2), `${key}.json`);
  }
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
