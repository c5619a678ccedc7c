/**
 * What a model is asked to answer, and how its answer is read.
 *
 * A watch asks for one property per label, `{present: boolean, confidence: 0..1}`; an
 * escalation asks for `{confirmed, confidence, description}`. Both are sent as a strict
 * `response_format` json_schema built with zod. Models that ignore it are read tolerantly, in
 * order: the schema exactly; JSON anywhere in the text (```json fences, the first balanced
 * {...}), reshaped per label; yes/no words; otherwise the answer is "unreadable" — counted,
 * never an exception.
 */
import { z } from 'zod';

export type ReadMethod = 'schema' | 'json' | 'text' | 'unreadable';

export interface LabelVerdict {
  present: boolean;
  /** Null when the model said yes or no without a confidence. */
  confidence: number | null;
}

export interface WatchAnswer {
  method: ReadMethod;
  /** One verdict per label asked; a label the answer did not mention counts as absent. */
  labels: Record<string, LabelVerdict>;
}

export interface EscalationAnswer {
  method: ReadMethod;
  confirmed: boolean;
  confidence: number | null;
  description: string;
}

export interface ResponseFormat {
  type: 'json_schema';
  json_schema: { name: string; strict: true; schema: Record<string, unknown> };
}

const Confidence = z.number().min(0).max(1);
const LabelAnswer = z.object({ present: z.boolean(), confidence: Confidence });

/** Built once per set of labels: every watch asking about the same labels shares them. */
const byLabels = new Map<string, { schema: z.ZodType; format: ResponseFormat }>();

function forLabels(labels: readonly string[]): { schema: z.ZodType; format: ResponseFormat } {
  const key = JSON.stringify(labels);
  let entry = byLabels.get(key);
  if (!entry) {
    const schema = z.object(Object.fromEntries(labels.map((label) => [label, LabelAnswer])));
    entry = { schema, format: responseFormat('watch_answer', schema) };
    byLabels.set(key, entry);
  }
  return entry;
}

function watchSchema(labels: readonly string[]): z.ZodType {
  return forLabels(labels).schema;
}

const EscalationSchema = z.object({
  confirmed: z.boolean(),
  confidence: Confidence,
  description: z.string(),
});

function responseFormat(name: string, schema: z.ZodType): ResponseFormat {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema) as Record<string, unknown>;
  return { type: 'json_schema', json_schema: { name, strict: true, schema: jsonSchema } };
}

export function watchResponseFormat(labels: readonly string[]): ResponseFormat {
  return forLabels(labels).format;
}

export const escalationResponseFormat: ResponseFormat = responseFormat('escalation_answer', EscalationSchema);

/** A sentence appended to the prompt, for models that do not honour response_format. */
export function watchAnswerInstruction(labels: readonly string[]): string {
  const list = labels.map((l) => JSON.stringify(l)).join(', ');
  return `Answer with JSON only: for each of ${list}, an object {"present": true or false, "confidence": a number from 0 to 1}.`;
}

export const escalationAnswerInstruction =
  'Answer with JSON only: {"confirmed": true or false, "confidence": a number from 0 to 1, "description": what you see}.';

// ---------------------------------------------------------------------------------------------
// Finding JSON in free text

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The first balanced {...} in `text`, honouring strings and escapes. */
function firstObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

/** JSON objects found in a text, most deliberate first: the whole text, fenced blocks, the first {...}. */
function jsonCandidates(text: string): Record<string, unknown>[] {
  const sources = [text.trim()];
  for (const m of text.matchAll(/```(?:json)?\s*([\s\S]*?)```/gi)) sources.push(m[1]!.trim());
  const braces = firstObject(text);
  if (braces) sources.push(braces);
  return sources
    .map(tryParse)
    .filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));
}

// ---------------------------------------------------------------------------------------------
// Reading loose values

const normalize = (key: string) => key.toLowerCase().replace(/[\s_-]+/g, ' ').trim();

function field(obj: Record<string, unknown>, names: readonly string[]): unknown {
  const wanted = new Set(names.map(normalize));
  for (const [key, value] of Object.entries(obj)) if (wanted.has(normalize(key))) return value;
  return undefined;
}

function looseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (/^(yes|true|present|detected|confirmed|y)\b/.test(v)) return true;
    if (/^(no|false|absent|not|none|n)\b/.test(v)) return false;
  }
  return undefined;
}

function looseConfidence(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value.replace('%', '')) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return null;
  if (n <= 1) return n;
  return n <= 100 ? n / 100 : null;
}

const PRESENT_KEYS = ['present', 'detected', 'visible', 'value', 'answer', 'yes'];
const CONFIDENCE_KEYS = ['confidence', 'score', 'probability', 'certainty'];

function looseVerdict(value: unknown): LabelVerdict | undefined {
  if (typeof value === 'number') {
    const confidence = looseConfidence(value);
    return confidence === null ? undefined : { present: confidence >= 0.5, confidence };
  }
  const flag = looseBoolean(value);
  if (flag !== undefined) return { present: flag, confidence: null };
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    const present = looseBoolean(field(obj, PRESENT_KEYS));
    const confidence = looseConfidence(field(obj, CONFIDENCE_KEYS));
    if (present !== undefined) return { present, confidence };
    if (confidence !== null) return { present: confidence >= 0.5, confidence };
  }
  return undefined;
}

function labelsFromObject(obj: Record<string, unknown>, labels: readonly string[]): Record<string, LabelVerdict> | undefined {
  // Some models nest the answer: {"labels": {...}} or {"answer": {...}}.
  const nested = Object.values(obj).find((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  const found: Record<string, LabelVerdict> = {};
  let any = false;
  for (const label of labels) {
    const verdict = looseVerdict(field(obj, [label]));
    if (verdict) {
      found[label] = verdict;
      any = true;
    }
  }
  if (any) return found;
  // A single-label watch answered with the inner object itself: {"present": true, "confidence": 0.8}.
  if (labels.length === 1) {
    const verdict = looseVerdict(obj);
    if (verdict && field(obj, PRESENT_KEYS) !== undefined) return { [labels[0]!]: verdict };
  }
  return nested && nested !== obj ? labelsFromObject(nested as Record<string, unknown>, labels) : undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function labelsFromText(text: string, labels: readonly string[]): Record<string, LabelVerdict> | undefined {
  const found: Record<string, LabelVerdict> = {};
  let any = false;
  for (const label of labels) {
    const m = new RegExp(`${escapeRegExp(label)}\\W{0,4}\\s*(yes|no|true|false|present|absent|detected|not detected)\\b`, 'i').exec(text);
    const flag = m ? looseBoolean(m[1]) : undefined;
    if (flag !== undefined) {
      found[label] = { present: flag, confidence: null };
      any = true;
    }
  }
  if (any) return found;
  const leading = /^\W*(yes|no)\b/i.exec(text);
  if (leading && labels.length === 1) return { [labels[0]!]: { present: leading[1]!.toLowerCase() === 'yes', confidence: null } };
  return undefined;
}

function complete(labels: readonly string[], found: Record<string, LabelVerdict>): Record<string, LabelVerdict> {
  return Object.fromEntries(labels.map((l) => [l, found[l] ?? { present: false, confidence: null }]));
}

export function readWatchAnswer(content: string | null | undefined, labels: readonly string[]): WatchAnswer {
  // A watch without labels asks a free question: its answer is text, nothing to read in it.
  if (labels.length === 0) return { method: 'text', labels: {} };
  const text = content ?? '';
  const strict = watchSchema(labels).safeParse(tryParse(text.trim()));
  if (strict.success) return { method: 'schema', labels: complete(labels, strict.data as Record<string, LabelVerdict>) };
  for (const candidate of jsonCandidates(text)) {
    const found = labelsFromObject(candidate, labels);
    if (found) return { method: 'json', labels: complete(labels, found) };
  }
  const fromText = labelsFromText(text, labels);
  if (fromText) return { method: 'text', labels: complete(labels, fromText) };
  return { method: 'unreadable', labels: complete(labels, {}) };
}

export function readEscalationAnswer(content: string | null | undefined): EscalationAnswer {
  const text = content ?? '';
  const strict = EscalationSchema.safeParse(tryParse(text.trim()));
  if (strict.success) return { method: 'schema', ...strict.data };
  for (const candidate of jsonCandidates(text)) {
    const confirmed = looseBoolean(field(candidate, ['confirmed', 'confirm', 'is confirmed', 'present', 'answer', 'verdict']));
    if (confirmed === undefined) continue;
    const description = field(candidate, ['description', 'reason', 'explanation', 'details']);
    return {
      method: 'json',
      confirmed,
      confidence: looseConfidence(field(candidate, CONFIDENCE_KEYS)),
      description: typeof description === 'string' ? description : '',
    };
  }
  const leading = /^\W*(yes|no)\b/i.exec(text);
  if (leading) return { method: 'text', confirmed: leading[1]!.toLowerCase() === 'yes', confidence: null, description: text.trim() };
  return { method: 'unreadable', confirmed: false, confidence: null, description: text.trim().slice(0, 500) };
}
