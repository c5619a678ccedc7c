import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1025 window-frames', () => {
  it('accepts windows of up to 1200 frames per stream, the longest window at 1 fps among them', () => {
    expect(diagnose('watch stream A every 1s with gemma over last 119.9s at 10 fps on "x" notify stdout', 'OVS1025')).toEqual([]);
    expect(diagnose('watch stream A every 1s with gemma over last 2m at 9.99 fps on "x" notify stdout', 'OVS1025')).toEqual([]);
    expect(diagnose('watch stream A every 1s with gemma over last 10m on "x" notify stdout', 'OVS1025')).toEqual([]);
  });

  it('rejects a watch window that needs more frames than one video reference gives', () => {
    expect(diagnose('watch stream A every 1s with m over last 2m at 10 fps on "x" notify stdout', 'OVS1025')).toEqual([
      {
        at: '1:32-1:54',
        severity: 'error',
        code: 'OVS1025',
        message: "this watch's window needs 1201 frames of each stream per call (120s at 10 fps, both ends included), but the server gives one video reference at most 1200: every call would fail",
        hint: 'lower the frame rate to at most 9.99 fps, or shorten the window',
      },
    ]);
  });

  it('counts both sides of an escalation window and the default of 1 fps', () => {
    expect(
      diagnose('watch stream A every 2s with gemma on "x" escalate to qwen over 5m before and 5m after at 2 fps', 'OVS1025').map((d) => [d.message, d.hint]),
    ).toEqual([
      [
        "this escalation's window needs 1201 frames of each stream per call (600s at 2 fps, both ends included), but the server gives one video reference at most 1200: every call would fail",
        'lower the frame rate to at most 1.99 fps, or shorten the window',
      ],
    ]);
    expect(diagnose('watch stream A every 2s with gemma on "x" escalate to qwen over 5m before and 299s after at 2 fps', 'OVS1025')).toEqual([]);
  });
});
