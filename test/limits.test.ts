/** Limits that two packages hold must agree: what `ovs check` accepts, the server serves. */
import { describe, expect, it } from 'vitest';
import { MAX_FRAMES_PER_REFERENCE as checkedLimit } from '@ovs/ir';
import { MAX_FRAMES_PER_REFERENCE as servedLimit } from '../packages/server/src/chat/references.js';

describe('frames per video reference', () => {
  it('is the same for the checker and the server', () => {
    expect(checkedLimit).toBe(servedLimit);
  });
});
