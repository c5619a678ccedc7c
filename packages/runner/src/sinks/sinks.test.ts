import { readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { Aedes } from 'aedes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealClock } from '../clock.js';
import type { EventRecord } from '../events.js';
import type { RetryPolicy } from '../retry.js';
import { Dispatcher } from './dispatcher.js';
import { FileSink } from './file.js';
import { MqttSink } from './mqtt.js';
import { formatEventLine, StdoutSink } from './stdout.js';
import { WebhookSink } from './webhook.js';

const clock = new RealClock();
const fastRetry: RetryPolicy = { retries: 3, minDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 50 };

function record(id = 'e1', status: EventRecord['status'] = 'fired'): EventRecord {
  return {
    id, time: '2026-01-01T00:00:02.000Z', status, rule: { file: 'fall.ovs', line: 3, column: 1 },
    watch: 'watch#1', trigger: 'trigger#1', stream: { name: 'A', id: 's1' }, streams: [{ name: 'A', id: 's1' }],
    label: 'fall', labels: ['fall'], confidence: 0.91, model: 'google/gemma-4-E4B-it', votes: [],
    frames: [{ stream: { name: 'A', id: 's1' }, ref: 'ovs://streams/s1?frame_index=120', frame_index: 120, timestamp_ms: 12000, source: 'resolved' }],
    escalations: [], tokens: 100, latency_ms: 40,
  };
}

let dir: string;
beforeEach(() => void (dir = mkdtempSync(path.join(os.tmpdir(), 'ovs-sinks-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A local webhook receiver answering with the statuses given, then 200. */
async function receiver(statuses: Array<number | 'reset'>) {
  const received: any[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const status = statuses[n++] ?? 200;
      if (status === 'reset') return void req.socket.destroy();
      if (status === 200) received.push(JSON.parse(Buffer.concat(chunks).toString()));
      res.writeHead(status, status === 429 ? { 'retry-after': '0' } : {});
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=secret`;
  return { url, received, attempts: () => n, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('stdout sink', () => {
  it('prints one readable line per event', async () => {
    const lines: string[] = [];
    await new StdoutSink({ write: (s) => lines.push(s) }).deliver(record());
    expect(lines).toEqual([`${formatEventLine(record())}\n`]);
    expect(lines[0]).toContain('FIRED "fall" 0.91 on A (frame 120) by google/gemma-4-E4B-it — fall.ovs:3:1');
  });
});

describe('file sink', () => {
  it('appends one JSON line per event', async () => {
    const file = path.join(dir, 'out', 'events.jsonl');
    const sink = new FileSink('log', file);
    await sink.deliver(record('a'));
    await sink.deliver(record('b'));
    await sink.close();
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['a', 'b']);
  });
});

describe('webhook sink through the dispatcher', () => {
  it('retries 5xx, 429 and resets, then delivers once', async () => {
    const hook = await receiver([500, 429, 'reset']);
    const dispatcher = new Dispatcher([new WebhookSink('alerts', hook.url, clock, 2000)], { clock, retry: fastRetry, deadLetterFile: path.join(dir, 'dead.jsonl') });
    dispatcher.send('alerts', record());
    await dispatcher.flush(5000);
    expect(hook.received.map((r) => r.id)).toEqual(['e1']);
    expect(dispatcher.stats().alerts).toMatchObject({ delivered: 1, deadLettered: 0, retries: 3, pending: 0 });
    expect(existsSync(path.join(dir, 'dead.jsonl'))).toBe(false);
    await dispatcher.close();
    await hook.close();
  });

  it('dead-letters what still fails after the retries, without the URL secret', async () => {
    const hook = await receiver([503, 503, 503, 503, 503]);
    const undelivered: string[] = [];
    const deadLetterFile = path.join(dir, 'dead.jsonl');
    const dispatcher = new Dispatcher([new WebhookSink('alerts', hook.url, clock, 2000)], {
      clock, retry: fastRetry, deadLetterFile, onUndelivered: (l) => undelivered.push(l.event.id),
    });
    dispatcher.send('alerts', record('lost-1'));
    await dispatcher.flush(5000);
    expect(hook.attempts()).toBe(4);
    const letters = readFileSync(deadLetterFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ sink: 'alerts', kind: 'webhook', attempts: 4, event: { id: 'lost-1' } });
    expect(letters[0].error).toContain('HTTP 503');
    expect(JSON.stringify(letters[0])).not.toContain('secret');
    expect(undelivered).toEqual(['lost-1']);
    await dispatcher.close();
    await hook.close();
  });

  it('does not retry a 4xx other than 429', async () => {
    const hook = await receiver([404]);
    const deadLetterFile = path.join(dir, 'dead.jsonl');
    const dispatcher = new Dispatcher([new WebhookSink('alerts', hook.url, clock, 2000)], { clock, retry: fastRetry, deadLetterFile });
    dispatcher.send('alerts', record());
    await dispatcher.flush(5000);
    expect(hook.attempts()).toBe(1);
    expect(dispatcher.stats().alerts!.deadLettered).toBe(1);
    await dispatcher.close();
    await hook.close();
  });

  it('dead-letters deliveries still pending when the grace period ends', async () => {
    // A server that accepts connections and never answers.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
    const deadLetterFile = path.join(dir, 'dead.jsonl');
    const dispatcher = new Dispatcher([new WebhookSink('alerts', url, clock, 60_000)], { clock, retry: fastRetry, deadLetterFile });
    dispatcher.send('alerts', record('slow'));
    await dispatcher.flush(50);
    const letters = readFileSync(deadLetterFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(letters[0]).toMatchObject({ event: { id: 'slow' } });
    expect(letters[0].error).toContain('undelivered when the run stopped');
    await dispatcher.close();
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((r) => silent.close(() => r()));
  });
});

describe('mqtt sink', () => {
  it('publishes each event with QoS 1 to the topic of the URL (aedes broker)', async () => {
    const broker = await Aedes.createBroker();
    const server = net.createServer(broker.handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const published: Array<{ topic: string; qos: number; id: string }> = [];
    broker.on('publish', (packet, client) => {
      if (client) published.push({ topic: packet.topic, qos: packet.qos, id: JSON.parse(packet.payload.toString()).id });
    });
    const sink = new MqttSink('bus', `mqtt://127.0.0.1:${port}/site/alerts`, clock, 5000);
    await sink.deliver(record('m1'), new AbortController().signal);
    await sink.deliver(record('m2', 'confirmed'), new AbortController().signal);
    expect(published).toEqual([
      { topic: 'site/alerts', qos: 1, id: 'm1' },
      { topic: 'site/alerts', qos: 1, id: 'm2' },
    ]);
    await sink.close();
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('fails a delivery with a clear error when no broker answers', async () => {
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((r) => free.close(() => r()));
    const sink = new MqttSink('bus', `mqtt://127.0.0.1:${port}/alerts`, clock, 300);
    await expect(sink.deliver(record(), new AbortController().signal)).rejects.toThrow(/no acknowledgement within 300 ms/);
    await sink.close();
  });
});
