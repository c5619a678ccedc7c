import { describe, expect, it } from 'vitest';
import { escalationResponseFormat, readEscalationAnswer, readWatchAnswer, watchResponseFormat } from './answers.js';

describe('response formats', () => {
  it('builds a strict json_schema with one {present, confidence} property per label', () => {
    const format = watchResponseFormat(['fall', 'smoke']);
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.strict).toBe(true);
    const schema = format.json_schema.schema as any;
    expect(schema.$schema).toBeUndefined();
    expect(schema.required).toEqual(['fall', 'smoke']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.fall).toMatchObject({
      type: 'object',
      required: ['present', 'confidence'],
      properties: { present: { type: 'boolean' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
    });
    expect((escalationResponseFormat.json_schema.schema as any).required).toEqual(['confirmed', 'confidence', 'description']);
  });
});

describe('reading watch answers tolerantly', () => {
  const labels = ['fall', 'smoke'];
  it.each([
    ['exact schema', '{"fall":{"present":true,"confidence":0.9},"smoke":{"present":false,"confidence":0.1}}', 'schema', { present: true, confidence: 0.9 }],
    ['fenced json', 'Sure!\n```json\n{"fall": {"present": true, "confidence": 0.7}}\n```', 'json', { present: true, confidence: 0.7 }],
    ['json inside prose', 'I think {"Fall": {"detected": "yes", "score": 80}} is right.', 'json', { present: true, confidence: 0.8 }],
    ['bare booleans', '{"fall": true, "smoke": false}', 'json', { present: true, confidence: null }],
    ['numbers as confidences', '{"fall": 0.2}', 'json', { present: false, confidence: 0.2 }],
    ['label: yes text', 'fall: yes\nsmoke: no', 'text', { present: true, confidence: null }],
  ])('%s', (_name, content, method, fall) => {
    const answer = readWatchAnswer(content, labels);
    expect(answer.method).toBe(method);
    expect(answer.labels.fall).toEqual(fall);
    expect(answer.labels.smoke?.present).toBe(false);
  });

  it('reads a leading yes/no for a single label', () => {
    expect(readWatchAnswer('Yes, someone is on the floor.', ['fall'])).toEqual({ method: 'text', labels: { fall: { present: true, confidence: null } } });
    expect(readWatchAnswer('No.', ['fall']).labels.fall!.present).toBe(false);
  });

  it('reads a single-label answer given as the inner object', () => {
    expect(readWatchAnswer('{"present": true, "confidence": 0.6}', ['person']).labels.person).toEqual({ present: true, confidence: 0.6 });
  });

  it.each(['', 'The image shows a kitchen.', '{"unrelated": 1}', '```json\n{broken\n```', '[1,2,3]', 'null'])(
    'counts %j as unreadable, never throws',
    (content) => {
      const answer = readWatchAnswer(content, labels);
      expect(answer.method).toBe('unreadable');
      expect(answer.labels.fall).toEqual({ present: false, confidence: null });
    },
  );
});

describe('reading escalation answers tolerantly', () => {
  it('reads the schema, loose JSON, yes/no, or nothing', () => {
    expect(readEscalationAnswer('{"confirmed":true,"confidence":0.8,"description":"a fall"}')).toEqual({
      method: 'schema', confirmed: true, confidence: 0.8, description: 'a fall',
    });
    expect(readEscalationAnswer('```json\n{"confirm": "yes", "reason": "lying down"}\n```')).toMatchObject({
      method: 'json', confirmed: true, confidence: null, description: 'lying down',
    });
    expect(readEscalationAnswer('No, the person is sitting.')).toMatchObject({ method: 'text', confirmed: false });
    expect(readEscalationAnswer('hmm')).toMatchObject({ method: 'unreadable', confirmed: false });
  });
});
