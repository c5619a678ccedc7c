import { describe, expect, it } from 'vitest';
import { COCO_LABELS } from './coco-labels.js';
import { vocabulary } from './vocabulary.js';

const coco = vocabulary(COCO_LABELS, { person: ['people', 'someone'], couch: ['sofa'] });

describe('vocabulary', () => {
  it('maps schema keys onto labels, whatever their case, separators or plural', () => {
    expect(coco.canonical('Person')).toBe('person');
    expect(coco.canonical('traffic_light')).toBe('traffic light');
    expect(coco.canonical('Traffic-Lights')).toBe('traffic light');
    expect(coco.canonical('buses')).toBe('bus');
    expect(coco.canonical('people')).toBe('person');
    expect(coco.canonical('sofa')).toBe('couch');
    expect(coco.canonical('fall')).toBeUndefined();
    expect(coco.canonical('')).toBeUndefined();
  });

  it('finds the labels a prompt names, in order, as whole words', () => {
    expect(coco.mentionedIn('Are there dogs or PEOPLE near the car?')).toEqual(['dog', 'person', 'car']);
    expect(coco.mentionedIn('someone eating a hot dog')).toEqual(['person', 'hot dog']);
    expect(coco.mentionedIn('a hot dog and a dog')).toEqual(['hot dog', 'dog']);
    expect(coco.mentionedIn('doghouse, carpet, catalogue')).toEqual([]);
  });
});
