import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexGraph, type PipelineIr } from '@ovs/ir';
import { parseBinding, planStreams } from './bindings.js';

describe('parseBinding', () => {
  it.each([
    ['cc3e3f79-c5c4-4d1c-985e-028b42030569', { kind: 'id', streamId: 'cc3e3f79-c5c4-4d1c-985e-028b42030569' }],
    ['ovs://streams/abc', { kind: 'id', streamId: 'abc' }],
    ['file:clips/a.mp4', { kind: 'source', source: { type: 'file', url: 'clips/a.mp4' } }],
    ['file:///tmp/a.mp4', { kind: 'source', source: { type: 'file', url: '/tmp/a.mp4' } }],
    ['rtsp://cam.local:554/stream1', { kind: 'source', source: { type: 'rtsp', url: 'rtsp://cam.local:554/stream1' } }],
    ['https://example.com/live.m3u8', { kind: 'source', source: { type: 'hls', url: 'https://example.com/live.m3u8' } }],
    ['http://cam.local/video.mjpeg', { kind: 'source', source: { type: 'mjpeg', url: 'http://cam.local/video.mjpeg' } }],
  ])('%s', (value, expected) => {
    expect(parseBinding('A', value)).toEqual(expected);
  });

  it.each(['', 'file:', 'ovs://streams/abc?frame_index=-1', 'https://example.com/page', 'bad id!'])('rejects %j with the forms it accepts', (value) => {
    expect(() => parseBinding('A', value)).toThrow(/stream A: .*--stream A=<stream id \| ovs:\/\/streams\/<id> \| file:PATH/s);
  });
});

const ir: PipelineIr = {
  version: 1,
  nodes: [
    { id: 's:A', type: 'stream', name: 'A', binding: { kind: 'param' } },
    { id: 's:B', type: 'stream', name: 'B', binding: { kind: 'param' } },
    { id: 's:clip', type: 'stream', name: 'clip', binding: { kind: 'source', source: { type: 'file', url: 'media/lobby.mp4' } } },
  ],
  edges: [],
  limits: { modelConcurrency: {}, budgets: [] },
};
const base = { canReadLocalFiles: true, absoluteFiles: true, cwd: '/work', sourceDir: '/pipelines' };

describe('planStreams', () => {
  it('names every missing parameter, each with how to bind it', () => {
    expect(() => planStreams(indexGraph(ir), { ...base, bindings: {} })).toThrow(/stream A, B are parameters[\s\S]*--stream A=[\s\S]*--stream B=/);
  });

  it('resolves bound files against the working directory and declared ones against the pipeline file', () => {
    const plans = planStreams(indexGraph(ir), { ...base, bindings: { A: 'file:a.mp4', B: 'abc' } });
    expect(plans.map((p) => (p.kind === 'id' ? p.streamId : p.source.url))).toEqual([path.resolve('/work/a.mp4'), 'abc', path.resolve('/pipelines/media/lobby.mp4')]);
  });

  it('lets a binding replace a declared stream for this run', () => {
    const plans = planStreams(indexGraph(ir), { ...base, bindings: { A: 'x', B: 'y', clip: 'z' } });
    expect(plans[2]).toMatchObject({ kind: 'id', streamId: 'z' });
  });

  it('refuses local files when the backend cannot read them', () => {
    expect(() => planStreams(indexGraph(ir), { ...base, canReadLocalFiles: false, bindings: { A: 'x', B: 'y' } })).toThrow(/stream clip reads the local file "media\/lobby.mp4"/);
  });
});
