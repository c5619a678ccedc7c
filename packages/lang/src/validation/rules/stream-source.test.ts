import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1022 stream-source', () => {
  it('accepts ids, stream references and source URLs', () => {
    const text = [
      'stream a = "cc3e3f79-c5c4-4d1c-985e-028b42030569"',
      'stream b = "ovs://streams/cc3e3f79"',
      'stream c = rtsp "rtsp://127.0.0.1:8554/door"',
      'stream d = hls "https://example.com/live.m3u8"',
      'stream e = file "media/lobby.mp4"',
      'stream f = mjpeg "http://127.0.0.1:8080/video.mjpg"',
    ].join('\n');
    expect(diagnose(text, 'OVS1022')).toEqual([]);
  });

  it('spots a URL written as a stream id and says which kind to write', () => {
    expect(diagnose('stream door = "rtsp://127.0.0.1:8554/door"', 'OVS1022')).toEqual([
      {
        at: '1:15-1:43',
        severity: 'error',
        code: 'OVS1022',
        message: '"rtsp://127.0.0.1:8554/door" is a URL, but a quoted string alone is read as the id of an existing stream',
        hint: 'say what kind of source it is: stream door = rtsp "rtsp://127.0.0.1:8554/door"',
      },
    ]);
    expect(diagnose('stream feed = "https://x.test/live.m3u8"', 'OVS1022')[0]?.hint).toBe('say what kind of source it is: stream feed = hls "https://x.test/live.m3u8"');
  });

  it('rejects a stream reference with a query, an empty id and a mistyped source', () => {
    expect(diagnose('stream a = "ovs://streams/abc?frame_index=-1"', 'OVS1022')[0]?.hint).toBe('leave out the query: "ovs://streams/abc"');
    expect(diagnose('stream a = ""', 'OVS1022').map((d) => d.message)).toEqual(['the stream id is empty']);
    expect(diagnose('stream a = "two words"', 'OVS1022').map((d) => d.message)).toEqual([
      '"two words" is not a stream id: stream ids have no spaces, "/", "?" or "#"',
    ]);
    expect(diagnose('stream a = rtsp "http://x.test/a"', 'OVS1022').map((d) => d.message)).toEqual(['"http://x.test/a" is not an RTSP URL']);
    expect(diagnose('stream a = hls "live.m3u8"', 'OVS1022').map((d) => d.message)).toEqual(['"live.m3u8" is not an HLS playlist URL']);
    expect(diagnose('stream a = file ""', 'OVS1022').map((d) => d.message)).toEqual(['the file path is empty']);
  });

  it('keeps quoted text short and printable', () => {
    const [found] = diagnose(`stream a = rtsp "${'x'.repeat(100)}\\n"`, 'OVS1022');
    expect(found?.message).toBe(`"${'x'.repeat(59)}…" is not an RTSP URL`);
  });
});
