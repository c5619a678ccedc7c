import { describe, expect, it } from 'vitest';
import { askOf, questionOf, respond } from './answer.js';
import type { BuiltinModelProfile, FrameFindings } from './answer.js';
import { BuiltinModelError } from './errors.js';
import { vocabulary } from './vocabulary.js';
import { request } from './test-frames.js';

const profile: BuiltinModelProfile = {
  id: 'builtin/test',
  vocabulary: vocabulary(['person', 'dog']),
  threshold: 0.5,
  judges: 'people and dogs',
  nothingSeen: 'nothing detected',
};

const findings: FrameFindings[] = [
  { title: 'cam frame 1', observations: [{ label: 'dog', confidence: 0.42, box: [0.1, 0.2, 0.3, 0.4] }] },
  {
    title: 'cam frame 2',
    observations: [
      { label: 'dog', confidence: 0.8, box: [0.5, 0.5, 0.25, 0.25] },
      { label: 'person', confidence: 0.3 },
    ],
    note: 'a note',
  },
];

const answer = (content: string, responseFormat?: unknown, extra = {}) =>
  respond(questionOf(request([{ type: 'text', text: content }], responseFormat, extra), profile.id), findings, profile);

describe('builtin answers', () => {
  it('reads labels from schema properties, or from a labels enum', () => {
    expect(askOf({ type: 'json_schema', json_schema: { schema: { properties: { dog: {}, cat: {} } } } }, 'm')).toEqual({
      kind: 'labels',
      labels: ['dog', 'cat'],
    });
    const enumSchema = { properties: { labels: { type: 'array', items: { enum: ['dog', 'person'] } } } };
    expect(askOf({ type: 'json_schema', json_schema: { schema: enumSchema } }, 'm')).toEqual({
      kind: 'labels',
      labels: ['dog', 'person'],
    });
    expect(askOf({ type: 'json_schema', json_schema: { schema: { labels: ['dog'] } } }, 'm')).toEqual({ kind: 'labels', labels: ['dog'] });
  });

  it('refuses a response_format it cannot answer, naming the field', () => {
    for (const format of [{ type: 'xml' }, { type: 'json_schema' }, 'json']) {
      expect(() => askOf(format, 'builtin/test')).toThrow(BuiltinModelError);
      expect(() => askOf(format, 'builtin/test')).toThrow(/builtin\/test answers response_format types text, json_object and json_schema/);
    }
    // A body field, not a query parameter: answered in the validation shape at body.response_format.
    expect(() => askOf({ type: 'xml' }, 'builtin/test')).toThrow(expect.objectContaining({ status: 422, field: 'response_format' }));
  });

  it('answers the best confidence per label over the frames, present at the threshold', () => {
    const schema = { type: 'json_schema', json_schema: { schema: { properties: { dog: {}, person: {} } } } };
    expect(JSON.parse(answer('', schema).choices[0]?.content ?? '')).toEqual({
      dog: { present: true, confidence: 0.8 },
      person: { present: false, confidence: 0.3 },
    });
  });

  it('answers only the escalation keys the schema lists', () => {
    const schema = { type: 'json_schema', json_schema: { schema: { properties: { confirmed: {}, description: {} } } } };
    const parsed = JSON.parse(answer('any dog?', schema).choices[0]?.content ?? '') as Record<string, unknown>;
    expect(parsed).toEqual({
      confirmed: true,
      description:
        'looked for dog; saw: cam frame 1: nothing detected\ncam frame 2: dog (0.80) at x=0.50 y=0.50 w=0.25 h=0.25 — a note',
    });
  });

  it('lists every observation for json_object', () => {
    const parsed = JSON.parse(answer('', { type: 'json_object' }).choices[0]?.content ?? '') as { observations: unknown[] };
    expect(parsed.observations).toEqual([
      { frame: 'cam frame 1', label: 'dog', confidence: 0.42, box: [0.1, 0.2, 0.3, 0.4] },
      { frame: 'cam frame 2', label: 'dog', confidence: 0.8, box: [0.5, 0.5, 0.25, 0.25] },
      { frame: 'cam frame 2', label: 'person', confidence: 0.3 },
    ]);
  });

  it('says what it cannot judge when the prompt names nothing it knows', () => {
    expect(answer('is the kettle boiling?').choices[0]?.content).toMatch(
      /\n\(builtin\/test judges only people and dogs; the prompt names none of them, so this is all it can say\.\)$/,
    );
    expect(answer('any dog?').choices[0]?.content).not.toContain('judges only');
  });

  it('gives n identical choices, cuts text at max_tokens and counts tokens roughly', () => {
    const response = answer('dog', undefined, { n: 2, maxTokens: 5 });
    expect(response.choices).toEqual([
      { content: 'cam frame 1: nothing', finishReason: 'length' },
      { content: 'cam frame 1: nothing', finishReason: 'length' },
    ]);
    expect(response.usage).toEqual({ promptTokens: 1, completionTokens: 10 });
  });
});
