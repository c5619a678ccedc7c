import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildImageRef,
  buildVideoRef,
  formatStreamRef,
  InvalidRefError,
  isOvsRef,
  parseImageRef,
  parseStreamRef,
  parseVideoRef,
  streamIdFromRef,
  type ImageRef,
  type VideoRef,
} from './ovs-url.js';
import type { RefError, Result } from './errors.js';

const ID = 'cc3e3f79-c5c4-4d1c-985e-028b42030569';
const img = (query: string) => parseImageRef(`ovs://streams/${ID}?${query}`);
const vid = (query: string) => parseVideoRef(`ovs://streams/${ID}?${query}`);

function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}
function err<T>(result: Result<T>): RefError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  expect(result.error.status).toBe(422);
  expect(result.error.message.length).toBeGreaterThan(10);
  return result.error;
}

describe('image_url references', () => {
  it('frame_index is an anchor; -1 is the most recent frame', () => {
    expect(ok(img('frame_index=-1'))).toEqual({
      streamId: ID,
      anchor: { kind: 'frame_index', value: -1 },
      toleranceMs: 100,
      direction: 'nearest',
    });
    expect(ok(img('frame_index=42')).anchor).toEqual({ kind: 'frame_index', value: 42 });
  });

  it('timestamp_ms is an anchor (absolute stream clock)', () => {
    expect(ok(img('timestamp_ms=1500')).anchor).toEqual({ kind: 'timestamp_ms', value: 1500 });
  });

  it('offset_ms is an anchor (relative to now; negative = past)', () => {
    expect(ok(img('offset_ms=-2000')).anchor).toEqual({ kind: 'offset_ms', value: -2000 });
  });

  it('exactly one anchor is required', () => {
    const e = err(img('tolerance_ms=50'));
    expect(e.code).toBe('query_param_invalid');
    expect(e.message).toContain('frame_index');
    expect(err(parseImageRef(`ovs://streams/${ID}`)).code).toBe('query_param_invalid');
  });

  it('more than one anchor of the same kind (frame_index + timestamp_ms) is a 422', () => {
    const e = err(img('frame_index=1&timestamp_ms=5'));
    expect(e.code).toBe('query_param_invalid');
    expect(e.message).toContain('frame_index and timestamp_ms');
  });

  it('tolerance_ms defaults to 100', () => {
    expect(ok(img('timestamp_ms=0')).toleranceMs).toBe(100);
  });

  it('tolerance_ms must be an integer > 0', () => {
    expect(ok(img('timestamp_ms=0&tolerance_ms=250')).toleranceMs).toBe(250);
    for (const bad of ['0', '-5', '1.5', 'abc', '']) {
      const e = err(img(`timestamp_ms=0&tolerance_ms=${bad}`));
      expect(e).toMatchObject({ code: 'query_param_invalid', param: 'tolerance_ms' });
    }
  });

  it('direction is nearest | forward | backward, default nearest', () => {
    expect(ok(img('offset_ms=0')).direction).toBe('nearest');
    expect(ok(img('offset_ms=0&direction=forward')).direction).toBe('forward');
    expect(ok(img('offset_ms=0&direction=backward')).direction).toBe('backward');
    const e = err(img('offset_ms=0&direction=sideways'));
    expect(e).toMatchObject({ code: 'query_param_invalid', param: 'direction' });
    expect(e.message).toContain('nearest, forward, backward');
  });

  it('tolerance_ms and direction are accepted (and ignored by resolution) with frame_index', () => {
    expect(ok(img('frame_index=3&tolerance_ms=5&direction=backward'))).toMatchObject({ toleranceMs: 5, direction: 'backward' });
  });

  it('with frame_index, a malformed tolerance_ms or direction is ignored (seeds: "Ignored when frame_index is set")', () => {
    expect(ok(img('frame_index=3&tolerance_ms=0'))).toMatchObject({ anchor: { kind: 'frame_index', value: 3 }, toleranceMs: 100 });
    expect(ok(img('frame_index=3&tolerance_ms=abc'))).toMatchObject({ toleranceMs: 100 });
    expect(ok(img('frame_index=-1&direction=sideways'))).toMatchObject({ direction: 'nearest' });
    // still one value per key, and still validated with a time anchor
    expect(err(img('frame_index=3&tolerance_ms=0&tolerance_ms=1'))).toMatchObject({ code: 'query_param_invalid', param: 'tolerance_ms' });
    expect(err(img('timestamp_ms=3&tolerance_ms=0'))).toMatchObject({ param: 'tolerance_ms' });
    expect(err(img('offset_ms=0&direction=sideways'))).toMatchObject({ param: 'direction' });
  });

  it('timestamp_ms must be >= 0 (use offset_ms for relative times)', () => {
    const e = err(img('timestamp_ms=-5'));
    expect(e.message).toContain('offset_ms');
  });

  it('video keys on an image reference are a 422 with a hint', () => {
    const e = err(img('start_offset_ms=-5000'));
    expect(e).toMatchObject({ code: 'query_param_invalid', param: 'start_offset_ms' });
    expect(e.message).toContain('video_url');
    expect(e.message).toContain('offset_ms');
    expect(err(img('frame_index=-1&max_fps=2')).message).toContain('video_url');
  });
});

describe('video_url references', () => {
  it('one start anchor is required; the end defaults to the live edge; max_fps defaults to 1', () => {
    expect(ok(vid('start_offset_ms=-5000'))).toEqual({
      streamId: ID,
      start: { kind: 'offset_ms', value: -5000 },
      end: null,
      maxFps: 1,
    });
    const e = err(vid('max_fps=2'));
    expect(e.code).toBe('query_param_invalid');
    expect(e.message).toContain('start_offset_ms');
  });

  it('every start and end anchor kind parses', () => {
    expect(ok(vid('start_frame_index=10&end_frame_index=20'))).toMatchObject({
      start: { kind: 'frame_index', value: 10 },
      end: { kind: 'frame_index', value: 20 },
    });
    expect(ok(vid('start_timestamp_ms=0&end_timestamp_ms=300000'))).toMatchObject({
      start: { kind: 'timestamp_ms', value: 0 },
      end: { kind: 'timestamp_ms', value: 300000 },
    });
    expect(ok(vid('start_offset_ms=-9000&end_offset_ms=-1000'))).toMatchObject({
      start: { kind: 'offset_ms', value: -9000 },
      end: { kind: 'offset_ms', value: -1000 },
    });
  });

  it('start and end anchor types may differ', () => {
    expect(ok(vid('start_offset_ms=-30000&end_frame_index=523'))).toMatchObject({
      start: { kind: 'offset_ms', value: -30000 },
      end: { kind: 'frame_index', value: 523 },
    });
  });

  it('two start anchors are a 422', () => {
    const e = err(vid('start_offset_ms=-1&start_frame_index=2'));
    expect(e.code).toBe('query_param_invalid');
    expect(e.message).toContain('start anchor');
  });

  it('two end anchors are a 422', () => {
    const e = err(vid('start_offset_ms=-1&end_offset_ms=0&end_frame_index=2'));
    expect(e.code).toBe('query_param_invalid');
    expect(e.message).toContain('end anchor');
  });

  it('max_fps is a float > 0', () => {
    expect(ok(vid('start_offset_ms=-5000&max_fps=2')).maxFps).toBe(2);
    expect(ok(vid('start_offset_ms=-5000&max_fps=0.5')).maxFps).toBe(0.5);
    for (const bad of ['0', '-1', 'abc', 'Infinity', 'NaN', '1e999', '']) {
      expect(err(vid(`start_offset_ms=-5000&max_fps=${bad}`))).toMatchObject({ code: 'query_param_invalid', param: 'max_fps' });
    }
  });

  it('image keys on a video reference are a 422 with a hint', () => {
    const e = err(vid('offset_ms=-5000'));
    expect(e).toMatchObject({ code: 'query_param_invalid', param: 'offset_ms' });
    expect(e.message).toContain('start_offset_ms');
    expect(err(vid('start_offset_ms=-5000&tolerance_ms=5')).message).toContain('image_url');
  });
});

describe('query rules shared by both kinds', () => {
  it('duplicate query keys are a 422', () => {
    const e = err(img('frame_index=1&frame_index=2'));
    expect(e).toMatchObject({ code: 'query_param_invalid', param: 'frame_index' });
    expect(e.message).toContain('duplicate');
    expect(err(vid('start_offset_ms=-1&max_fps=1&max_fps=2')).param).toBe('max_fps');
  });

  it('unknown query keys are a 422 naming the key and suggesting the nearest valid one', () => {
    const e = err(img('frame_idx=-1'));
    expect(e).toMatchObject({ code: 'query_param_invalid', param: 'frame_idx' });
    expect(e.message).toContain('did you mean frame_index');
    expect(err(vid('start_ofset_ms=-1')).message).toContain('did you mean start_offset_ms');
    expect(err(img('frame_index=1&zzzzzzzzzz=1')).message).not.toContain('did you mean');
    expect(err(img('frame_index=1&foo=1')).message).toContain('unknown query key "foo". Valid keys: frame_index,');
    expect(err(img('frme_index=1')).message).toContain('did you mean frame_index? Valid keys:');
  });

  it('integers must be integers', () => {
    for (const bad of ['1.5', 'abc', '', '1e3', '0x10', ' 1', '+1', '--1', '99999999999999999999']) {
      expect(err(img(`frame_index=${bad}`))).toMatchObject({ code: 'query_param_invalid', param: 'frame_index' });
    }
    expect(err(img('frame_index')).message).toContain('no value');
  });

  it('keys and values are percent-decoded; a malformed escape is a 422', () => {
    expect(ok(img('frame_index=%2D1')).anchor.value).toBe(-1);
    expect(err(img('frame_index=%ZZ')).code).toBe('query_param_invalid');
  });

  it('empty query segments are ignored', () => {
    expect(ok(img('&frame_index=-1&')).anchor.value).toBe(-1);
  });
});

describe('stream url shape', () => {
  it('the scheme must be ovs:', () => {
    const e = err(parseImageRef(`https://streams/${ID}?frame_index=-1`));
    expect(e.code).toBe('stream_url_invalid');
    expect(e.message).toContain('ovs://streams/');
  });

  it('the host must be streams', () => {
    const e = err(parseImageRef(`ovs://stream/${ID}?frame_index=-1`));
    expect(e.code).toBe('stream_url_invalid');
    expect(e.message).toContain('"stream"');
  });

  it('ovs://streams without "/<id>" says the stream id is missing', () => {
    for (const url of ['ovs://streams', 'ovs://streams?frame_index=-1']) {
      const e = err(parseImageRef(url));
      expect(e).toMatchObject({ code: 'stream_url_invalid', param: 'stream_id' });
      expect(e.message).toContain('stream id is missing');
      expect(e.message).toContain('ovs://streams/<stream_id>');
    }
  });

  it('the path is exactly one segment: the stream id', () => {
    expect(err(parseImageRef(`ovs://streams/${ID}/frames?frame_index=-1`))).toMatchObject({ code: 'stream_url_invalid', param: 'stream_id' });
    expect(err(parseImageRef('ovs://streams/?frame_index=-1')).message).toContain('missing');
  });

  it('the stream id is URL-safe', () => {
    for (const bad of ['a%20b', 'a b', '.hidden', '-x', 'é', 'x'.repeat(129)]) {
      expect(err(parseImageRef(`ovs://streams/${bad}?frame_index=-1`))).toMatchObject({ code: 'stream_url_invalid', param: 'stream_id' });
    }
    expect(ok(parseImageRef('ovs://streams/cam_1.lobby~2?frame_index=0')).streamId).toBe('cam_1.lobby~2');
  });

  it('a fragment is a 422', () => {
    expect(err(parseImageRef(`ovs://streams/${ID}?frame_index=-1#x`)).code).toBe('stream_url_invalid');
  });

  it('a reference longer than 2048 characters is a 422', () => {
    const e = err(parseImageRef(`ovs://streams/${ID}?frame_index=-1&${'a'.repeat(3000)}=1`));
    expect(e.code).toBe('stream_url_invalid');
    expect(e.message).toContain('2048');
  });

  it('non-string input is a 422, not a crash', () => {
    expect(err(parseImageRef(42 as unknown as string)).code).toBe('stream_url_invalid');
    expect(err(parseVideoRef(null as unknown as string)).code).toBe('stream_url_invalid');
  });

  it('error messages echo at most a bounded slice of the input', () => {
    const e = err(parseImageRef(`http://${'x'.repeat(1500)}`));
    expect(e.message.length).toBeLessThan(200);
  });
});

describe('parseStreamRef', () => {
  it('infers the kind from the keys when not told', () => {
    expect(ok(parseStreamRef(`ovs://streams/${ID}?start_offset_ms=-5000`)).type).toBe('video');
    expect(ok(parseStreamRef(`ovs://streams/${ID}?frame_index=-1`)).type).toBe('image');
    expect(err(parseStreamRef(`ovs://streams/${ID}?start_offset_ms=-5000`, 'image')).param).toBe('start_offset_ms');
  });

  it('isOvsRef tells references from pass-through URLs', () => {
    expect(isOvsRef('ovs://streams/x?frame_index=-1')).toBe(true);
    expect(isOvsRef('https://example.com/a.jpg')).toBe(false);
    expect(isOvsRef('data:image/jpeg;base64,AAAA')).toBe(false);
  });
});

describe('streamIdFromRef', () => {
  it('accepts a bare id or ovs://streams/<id>', () => {
    expect(ok(streamIdFromRef(ID))).toBe(ID);
    expect(ok(streamIdFromRef(`ovs://streams/${ID}`))).toBe(ID);
  });

  it('rejects a query, a bad id and other schemes', () => {
    expect(err(streamIdFromRef(`ovs://streams/${ID}?frame_index=-1`)).message).toContain('without a query');
    expect(err(streamIdFromRef('a b')).code).toBe('stream_url_invalid');
    expect(err(streamIdFromRef('')).message).toContain('missing');
    expect(err(streamIdFromRef('rtsp://host/x')).code).toBe('stream_url_invalid');
  });
});

describe('building', () => {
  it('builds canonical references, omitting defaults', () => {
    expect(buildImageRef(ID, { kind: 'frame_index', value: -1 })).toBe(`ovs://streams/${ID}?frame_index=-1`);
    expect(buildImageRef(ID, { kind: 'timestamp_ms', value: 5 }, { toleranceMs: 50, direction: 'forward' })).toBe(
      `ovs://streams/${ID}?timestamp_ms=5&tolerance_ms=50&direction=forward`,
    );
    expect(buildVideoRef(ID, { kind: 'offset_ms', value: -5000 })).toBe(`ovs://streams/${ID}?start_offset_ms=-5000`);
    expect(buildVideoRef(ID, { kind: 'offset_ms', value: -30000 }, { kind: 'frame_index', value: 523 }, { maxFps: 2 })).toBe(
      `ovs://streams/${ID}?start_offset_ms=-30000&end_frame_index=523&max_fps=2`,
    );
  });

  it('refuses to build what the parser would reject', () => {
    expect(() => buildImageRef('a/b', { kind: 'frame_index', value: -1 })).toThrow(InvalidRefError);
    expect(() => buildImageRef(ID, { kind: 'frame_index', value: 1.5 })).toThrow(/integer/);
    expect(() => buildVideoRef(ID, { kind: 'offset_ms', value: -1 }, null, { maxFps: 0 })).toThrow(/max_fps/);
  });

  const streamId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,40}$/);
  const anchor = fc.oneof(
    fc.record({ kind: fc.constant('frame_index' as const), value: fc.maxSafeInteger() }),
    fc.record({ kind: fc.constant('timestamp_ms' as const), value: fc.maxSafeNat() }),
    fc.record({ kind: fc.constant('offset_ms' as const), value: fc.maxSafeInteger() }),
  );
  const imageRef: fc.Arbitrary<ImageRef> = fc.record({
    streamId,
    anchor,
    toleranceMs: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    direction: fc.constantFrom('nearest' as const, 'forward' as const, 'backward' as const),
  });
  const videoRef: fc.Arbitrary<VideoRef> = fc.record({
    streamId,
    start: anchor,
    end: fc.option(anchor, { nil: null }),
    maxFps: fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }),
  });

  it('round-trips: parse(build(x)) equals x', () => {
    fc.assert(
      fc.property(imageRef, (ref) => {
        expect(ok(parseImageRef(formatStreamRef(ref)))).toEqual(ref);
      }),
    );
    fc.assert(
      fc.property(videoRef, (ref) => {
        expect(ok(parseVideoRef(formatStreamRef(ref)))).toEqual(ref);
      }),
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (tail) => {
        for (const url of [tail, `ovs://streams/${tail}`, `ovs://streams/${ID}?${tail}`]) {
          parseImageRef(url);
          parseVideoRef(url);
          parseStreamRef(url);
          streamIdFromRef(url);
        }
      }),
    );
  });
});
