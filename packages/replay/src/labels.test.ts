import { describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseLabels, readLabels } from './labels.js';
import { formatMediaTime, parseMediaTime } from './media-time.js';
import { parseSpeed, replayFps } from './settings.js';
import type { PipelineIr } from '@ovs/ir';

describe('media times', () => {
  it.each([
    [12, 12_000],
    ['12', 12_000],
    ['12.5', 12_500],
    ['12.5s', 12_500],
    ['0:12', 12_000],
    ['1:02.5', 62_500],
    ['1:00:12', 3_612_000],
  ])('%j is %d ms', (text, ms) => expect(parseMediaTime(text)).toBe(ms));

  it.each(['', '-1', '1:60', '12 s', 'twelve', '1:2:3', null])('%j is not a time', (text) => expect(parseMediaTime(text)).toBeUndefined());

  it('prints seconds, then m:ss', () => {
    expect([formatMediaTime(700), formatMediaTime(12_000), formatMediaTime(62_500), formatMediaTime(3_612_000)]).toEqual(['0.7 s', '12 s', '1:02.5', '1:00:12']);
  });
});

describe('labels files', () => {
  it('reads the JSON form, with m:ss and seconds and a tolerance', () => {
    const labels = parseLabels('{"events":[{"label":"person","start":"0:12","end":30},{"label":"dog","start":40.5,"end":"0:45"}],"tolerance":2}', 'clip.json');
    expect(labels.toleranceMs).toBe(2000);
    expect(labels.events.map((e) => [e.label, e.startMs, e.endMs, e.where])).toEqual([
      ['person', 12_000, 30_000, 'clip.json: events[0]'],
      ['dog', 40_500, 45_000, 'clip.json: events[1]'],
    ]);
  });

  it('reads the text form: comments, blank lines, quoted labels', () => {
    const labels = parseLabels('# the door camera\n\nperson 12 30   # first visit\n"stopped vehicle" 1:02 1:30\n', 'clip.labels');
    expect(labels.events.map((e) => [e.label, e.startMs, e.endMs, e.where])).toEqual([
      ['person', 12_000, 30_000, 'clip.labels:3'],
      ['stopped vehicle', 62_000, 90_000, 'clip.labels:4'],
    ]);
  });

  it('takes a file starting with { as JSON whatever its name', () => {
    expect(parseLabels(' {"events": []}', 'labels.txt').events).toEqual([]);
  });

  it.each([
    ['a.labels', 'person 12', 'a.labels:1: expected LABEL START END (e.g. person 12 30, or "stopped vehicle" 1:02 1:30), got 1 time after the label'],
    ['a.labels', 'ok 1 2\nperson 12 1x', 'a.labels:2: end "1x" is not a time; write seconds (12 or 12.5), m:ss (0:12) or h:mm:ss (1:00:12)'],
    ['a.labels', 'person 30 12', 'a.labels:1: the end (12 s) is before the start (30 s)'],
    ['a.labels', '"stopped vehicle 1 2', `a.labels:1: the label's closing quote is missing`],
    ['a.json', '{"events": [', 'a.json:1: not valid JSON'],
    ['a.json', '{\n  "events": [\n    ,\n  ]\n}', 'a.json:3: not valid JSON'],
    ['a.json', '{\n  "events": [\n    {"label": "person", "start": 1}\n  ]\n}', 'a.json: events[0]: end nothing is not a time'],
    ['a.json', '{"events": [{"label": "", "start": 1, "end": 2}]}', 'a.json: events[0]: "label" must be a non-empty string'],
    ['a.json', '{"events": [{"label": "x", "start": 1, "end": 2, "stop": 3}]}', 'a.json: events[0]: unknown field "stop"'],
    ['a.json', '{"event": []}', 'a.json: unknown field "event"'],
    ['a.json', '{"events": {}}', 'a.json: "events" must be a list'],
    ['a.json', '[]', 'a.json: expected an object'],
    ['a.json', '{"events": [], "tolerance": -1}', 'a.json: "tolerance" must be a number of seconds >= 0'],
  ])('%s %j: %s', (file, text, message) => {
    expect(() => parseLabels(text, file)).toThrow(message);
  });
});

describe('replay settings', () => {
  it('reads speeds', () => {
    expect(parseSpeed('max')).toEqual({ kind: 'max' });
    expect(parseSpeed('1x')).toEqual({ kind: 'live' });
    expect(parseSpeed('10x')).toEqual({ kind: 'paced', factor: 10 });
    expect(parseSpeed('0.5X')).toEqual({ kind: 'paced', factor: 0.5 });
    for (const bad of ['fast', '0x', 'x', '10', '-2x']) expect(parseSpeed(bad)).toBeUndefined();
  });

  it('ingests the frames the pipeline looks at: its fastest watch, its windows, at least 1 fps', () => {
    const ir = (nodes: unknown[]) => ({ nodes }) as unknown as PipelineIr;
    const watch = (periodMs: number, view: unknown = { kind: 'frame' }) => ({ type: 'watch', periodMs, view });
    expect(replayFps(ir([watch(5000)]))).toBe(1);
    expect(replayFps(ir([watch(500)]))).toBe(2);
    expect(replayFps(ir([watch(2000), { type: 'escalation', view: { kind: 'window', beforeMs: 30_000, afterMs: 0, maxFps: 4 } }]))).toBe(4);
    expect(replayFps(ir([watch(10)]))).toBe(30);
  });
  it('reads a file that starts with a UTF-8 byte order mark, JSON or text', () => {
    for (const [text, file] of [['\uFEFF{"events":[{"label":"person","start":1,"end":2}]}', 'a.json'], ['\uFEFFperson 1 2\n', 'a.labels']]) {
      expect(parseLabels(text!, file!).events).toEqual([{ label: 'person', startMs: 1000, endMs: 2000, where: expect.any(String) }]);
    }
  });
  it('says a UTF-16 labels file is one, instead of misreading it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ovs-labels-'));
    try {
      const file = path.join(dir, 'door.labels');
      writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('person 1 2\n', 'utf16le')]));
      await expect(readLabels(file)).rejects.toThrow(`${file}: the labels file is UTF-16 text; save it as UTF-8`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
