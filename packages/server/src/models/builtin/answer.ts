/**
 * What a builtin model answers, shared by every builtin model so that they all speak alike: the
 * model reports what it saw per frame (its findings), and this module turns that into the answer
 * the request asked for (the `response_format`) in the OpenAI response shape.
 *
 * Asked forms:
 * - no response_format (or `text`): a short line per frame, e.g.
 *   `person (0.71) at x=0.29 y=0.31 w=0.14 h=0.76; dog (0.43) at ...`.
 * - `json_schema` whose properties are labels (or that lists them in a `labels` enum): a JSON
 *   object with exactly one key per asked label, each `{present, confidence}`.
 *   Labels the model cannot judge are answered `{present: false, confidence: 0}` AND named in an
 *   extra top-level `"unsupported": [...]` key (present only when there are such labels), so a
 *   reader that looks only at the asked keys sees "not present, no confidence", and a reader
 *   that cares can tell "absent" from "cannot say".
 * - `json_schema` with `confirmed`/`confidence`/`description` properties (the runner's
 *   escalation check): `confirmed` is whether any label the prompt text names, among those the
 *   model judges, is present; `confidence` is the best score among those labels (whatever the
 *   verdict); `description` lists what the model saw, with boxes.
 * - `json_object`: `{"observations": [{frame, label, confidence, box}]}`.
 *
 * Boxes are `[x, y, w, h]` normalised to 0..1 of the picture, origin top left.
 */
import { invalidRequestField } from './errors.js';
import { imagesOf, promptTextOf } from './images.js';
import type { InputImage } from './images.js';
import type { Vocabulary } from './vocabulary.js';
import type { ModelChoice, ModelRequest, ModelResponse } from '../model.js';

export type Box = readonly [x: number, y: number, w: number, h: number];

export interface Observation {
  /** A label of the model's vocabulary. */
  readonly label: string;
  /** 0..1. */
  readonly confidence: number;
  readonly box?: Box;
}

export interface FrameFindings {
  /** Which picture (or pair of pictures) this is about, e.g. `cam1 frame 12`. */
  readonly title: string;
  readonly observations: readonly Observation[];
  /** Anything else worth saying about this frame, e.g. "no earlier frame to compare with". */
  readonly note?: string;
}

/** What the answers need to know about the model that produced the findings. */
export interface BuiltinModelProfile {
  readonly id: string;
  readonly vocabulary: Vocabulary;
  /** Confidence at or above which a label counts as present. */
  readonly threshold: number;
  /** What the model judges, for the sentence naming what it cannot, e.g. "the 80 COCO object classes". */
  readonly judges: string;
  /** Said of a frame with nothing at or above the threshold, e.g. "nothing detected". */
  readonly nothingSeen: string;
}

export type Ask =
  | { readonly kind: 'text' }
  | { readonly kind: 'labels'; readonly labels: readonly string[] }
  | { readonly kind: 'escalation'; readonly keys: readonly EscalationKey[] }
  | { readonly kind: 'observations' };

const ESCALATION_KEYS = ['confirmed', 'confidence', 'description'] as const;
type EscalationKey = (typeof ESCALATION_KEYS)[number];

/** Rough token counts: OpenAI-like ~4 characters per token, and a fixed cost per picture. */
const CHARS_PER_TOKEN = 4;
const TOKENS_PER_IMAGE = 85;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringsOf(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** Reads what the request's `response_format` asks for. */
export function askOf(responseFormat: unknown, modelId: string): Ask {
  if (responseFormat === undefined || responseFormat === null) return { kind: 'text' };
  const type = isRecord(responseFormat) ? responseFormat['type'] : undefined;
  if (type === 'text') return { kind: 'text' };
  if (type === 'json_object') return { kind: 'observations' };
  const jsonSchema = isRecord(responseFormat) ? responseFormat['json_schema'] : undefined;
  const schema = isRecord(jsonSchema) ? jsonSchema['schema'] : undefined;
  if (type !== 'json_schema' || !isRecord(schema)) {
    throw invalidRequestField(
      'response_format',
      `${modelId} answers response_format types text, json_object and json_schema ` +
        `({"type":"json_schema","json_schema":{"schema":{...}}}); got ${JSON.stringify(responseFormat).slice(0, 120)}.`,
    );
  }
  const properties = isRecord(schema['properties']) ? schema['properties'] : {};
  const names = Object.keys(properties);
  if (names.includes('confirmed')) {
    return { kind: 'escalation', keys: ESCALATION_KEYS.filter((key) => names.includes(key)) };
  }
  // Tolerated alternative: the labels as an enum, at `labels` or at `properties.labels(.items)`.
  const labelsProperty = properties['labels'];
  const items = isRecord(labelsProperty) ? labelsProperty['items'] : undefined;
  const enumLabels =
    stringsOf(schema['labels']) ??
    (isRecord(labelsProperty) ? stringsOf(labelsProperty['enum']) : undefined) ??
    (isRecord(items) ? stringsOf(items['enum']) : undefined);
  return { kind: 'labels', labels: enumLabels ?? names };
}

/** Best confidence per label over every frame. */
function bestConfidences(findings: readonly FrameFindings[]): Map<string, number> {
  const best = new Map<string, number>();
  for (const frame of findings) {
    for (const o of frame.observations) best.set(o.label, Math.max(best.get(o.label) ?? 0, o.confidence));
  }
  return best;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function describeBox(box: Box): string {
  const [x, y, w, h] = box.map((v) => round2(v).toFixed(2));
  return `x=${x} y=${y} w=${w} h=${h}`;
}

/** One line per frame (the title is left out when there is a single frame). */
function describeFindings(findings: readonly FrameFindings[], profile: BuiltinModelProfile): string {
  if (findings.length === 0) return `no picture to look at (${profile.id} reads ovs:// frames and data: images)`;
  return findings
    .map((frame) => {
      const seen = frame.observations
        .filter((o) => o.confidence >= profile.threshold)
        .sort((a, b) => b.confidence - a.confidence)
        .map((o) => `${o.label} (${o.confidence.toFixed(2)})${o.box ? ` at ${describeBox(o.box)}` : ''}`);
      const text = [seen.length > 0 ? seen.join('; ') : profile.nothingSeen, frame.note]
        .filter((part) => part !== undefined)
        .join(' — ');
      return findings.length > 1 ? `${frame.title}: ${text}` : text;
    })
    .join('\n');
}

function labelsAnswer(labels: readonly string[], findings: readonly FrameFindings[], profile: BuiltinModelProfile) {
  const best = bestConfidences(findings);
  const answer: Record<string, unknown> = {};
  const unsupported: string[] = [];
  for (const asked of labels) {
    const label = profile.vocabulary.canonical(asked);
    if (label === undefined) unsupported.push(asked);
    const confidence = label === undefined ? 0 : (best.get(label) ?? 0);
    answer[asked] = { present: label !== undefined && confidence >= profile.threshold, confidence: round2(confidence) };
  }
  if (unsupported.length > 0 && !labels.includes('unsupported')) answer['unsupported'] = unsupported;
  return answer;
}

function escalationAnswer(
  keys: readonly EscalationKey[],
  findings: readonly FrameFindings[],
  promptText: string,
  profile: BuiltinModelProfile,
) {
  const best = bestConfidences(findings);
  const asked = profile.vocabulary.mentionedIn(promptText);
  const confidence = Math.max(0, ...asked.map((label) => best.get(label) ?? 0));
  const seen = describeFindings(findings, profile);
  const description =
    asked.length > 0
      ? `looked for ${asked.join(', ')}; saw: ${seen}`
      : `the prompt names nothing ${profile.id} can judge (it judges ${profile.judges}); saw: ${seen}`;
  const values: Record<EscalationKey, unknown> = {
    confirmed: asked.length > 0 && confidence >= profile.threshold,
    confidence: round2(confidence),
    description,
  };
  return Object.fromEntries(keys.map((key) => [key, values[key]]));
}

function observationsAnswer(findings: readonly FrameFindings[]) {
  return {
    observations: findings.flatMap((frame) =>
      frame.observations.map((o) => ({
        frame: frame.title,
        label: o.label,
        confidence: round2(o.confidence),
        ...(o.box ? { box: o.box.map(round2) } : {}),
      })),
    ),
  };
}

/**
 * The text a text-asking request gets: the findings, and what the model cannot judge when the
 * prompt names nothing it knows.
 */
function textAnswer(findings: readonly FrameFindings[], promptText: string, profile: BuiltinModelProfile): string {
  const seen = describeFindings(findings, profile);
  if (promptText.trim() === '' || profile.vocabulary.mentionedIn(promptText).length > 0) return seen;
  return `${seen}\n(${profile.id} judges only ${profile.judges}; the prompt names none of them, so this is all it can say.)`;
}

/** A request as a builtin model reads it; reading it first rejects a bad request before any work. */
export interface Question {
  readonly request: ModelRequest;
  readonly ask: Ask;
  readonly promptText: string;
  readonly images: readonly InputImage[];
}

export function questionOf(request: ModelRequest, modelId: string): Question {
  return {
    request,
    ask: askOf(request.responseFormat, modelId),
    promptText: promptTextOf(request),
    images: imagesOf(request, modelId),
  };
}

/** The model's answer to the question, in the OpenAI shape, with rough token counts. */
export function respond(
  { request, ask, promptText, images }: Question,
  findings: readonly FrameFindings[],
  profile: BuiltinModelProfile,
): ModelResponse {
  let content: string;
  let finishReason: ModelChoice['finishReason'] = 'stop';
  switch (ask.kind) {
    case 'labels':
      content = JSON.stringify(labelsAnswer(ask.labels, findings, profile));
      break;
    case 'escalation':
      content = JSON.stringify(escalationAnswer(ask.keys, findings, promptText, profile));
      break;
    case 'observations':
      content = JSON.stringify(observationsAnswer(findings));
      break;
    case 'text': {
      content = textAnswer(findings, promptText, profile);
      // JSON answers are never cut (half a JSON document helps nobody); text honours the limit.
      const limit = request.maxTokens === undefined ? Infinity : request.maxTokens * CHARS_PER_TOKEN;
      if (content.length > limit) {
        content = content.slice(0, limit);
        finishReason = 'length';
      }
      break;
    }
  }
  const n = Math.max(1, request.n);
  return {
    // The models are deterministic: every choice is the same answer.
    choices: Array.from({ length: n }, () => ({ content, finishReason })),
    usage: {
      promptTokens: Math.ceil(promptText.length / CHARS_PER_TOKEN) + images.length * TOKENS_PER_IMAGE,
      completionTokens: n * Math.ceil(content.length / CHARS_PER_TOKEN),
    },
  };
}
