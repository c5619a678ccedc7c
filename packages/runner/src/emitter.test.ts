import { describe, expect, it } from 'vitest';
import { Broadcast, TypedEmitter } from './emitter.js';

describe('TypedEmitter', () => {
  it('emits "error" without listeners harmlessly and reports a throwing listener', () => {
    const reported: unknown[] = [];
    const emitter = new TypedEmitter<{ error: string; status: number }>((e) => reported.push(e));
    emitter.emit('error', 'nobody listens');
    const seen: number[] = [];
    emitter.on('status', () => {
      throw new Error('listener bug');
    });
    const off = emitter.on('status', (n) => seen.push(n));
    emitter.emit('status', 1);
    off();
    emitter.emit('status', 2);
    expect(seen).toEqual([1]);
    expect(reported).toHaveLength(2);
  });

  it('says whether an event has a listener', () => {
    const emitter = new TypedEmitter<{ answer: string }>();
    expect(emitter.has('answer')).toBe(false);
    const off = emitter.on('answer', () => {});
    expect(emitter.has('answer')).toBe(true);
    off();
    expect(emitter.has('answer')).toBe(false);
  });
});

describe('Broadcast', () => {
  it('gives each iterator the values pushed after it started, and ends them all', async () => {
    const b = new Broadcast<number>();
    const first = b[Symbol.asyncIterator]();
    b.push(1);
    const second = b[Symbol.asyncIterator]();
    b.push(2);
    b.end();
    const drain = async (it: AsyncIterator<number>) => {
      const out: number[] = [];
      for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
      return out;
    };
    expect(await drain(first)).toEqual([1, 2]);
    expect(await drain(second)).toEqual([2]);
  });
});
