import { describe, expect, it } from 'vitest';
import { redactUrl } from './redact.js';

describe('redactUrl', () => {
  it.each([
    ['rtsp://admin:hunter2@cam.local:554/stream1?token=abc', 'rtsp://cam.local:554/stream1'],
    ['https://hooks.example.com/x?key=secret#frag', 'https://hooks.example.com/x'],
    ['mqtt://user:pw@127.0.0.1:1883', 'mqtt://127.0.0.1:1883'],
    ['/tmp/clip.mp4', '/tmp/clip.mp4'],
    ['clips/a.mp4', 'clips/a.mp4'],
  ])('%s -> %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});
