/** Builds the run's sinks from the IR's sink nodes; `stdout` is always present. */
import path from 'node:path';
import type { SinkNode } from '@ovs/ir';
import type { Clock } from '../clock.js';
import { RunError } from '../errors.js';
import { FileSink } from './file.js';
import { MqttSink } from './mqtt.js';
import type { Sink } from './sink.js';
import { CapturedSink } from './captured.js';
import { StdoutSink, type LineWriter } from './stdout.js';
import { WebhookSink } from './webhook.js';

export { Dispatcher, type DeadLetter, type SinkStats } from './dispatcher.js';
export { formatEventLine, type LineWriter } from './stdout.js';
export type { Sink } from './sink.js';

export const DEFAULT_SINK_TIMEOUT_MS = 10_000;

export interface SinkFactoryOptions {
  clock: Clock;
  stdout: LineWriter;
  stdoutFormat: 'text' | 'json';
  /** Relative file sink paths are resolved against this directory. */
  cwd: string;
  /** Replace every sink but stdout by one that delivers nowhere (replays). */
  capture?: boolean;
}

/** `timeout` in a sink's params is in ms (e.g. `timeout_ms 5000` or `timeout 5000`). */
function timeoutOf(node: SinkNode): number {
  const value = node.params.timeout_ms ?? node.params.timeout;
  return typeof value === 'number' && value > 0 ? value : DEFAULT_SINK_TIMEOUT_MS;
}

export function createSinks(nodes: readonly SinkNode[], options: SinkFactoryOptions): Sink[] {
  const sinks: Sink[] = [new StdoutSink(options.stdout, options.stdoutFormat)];
  for (const node of nodes) {
    if (node.sink === 'stdout') continue;
    const target = node.target;
    if (!target) throw new RunError('invalid_ir', `sink ${node.name} (${node.sink}) has no target`);
    if (options.capture) {
      sinks.push(new CapturedSink(node.name, node.sink));
      continue;
    }
    try {
      switch (node.sink) {
        case 'file':
          sinks.push(new FileSink(node.name, path.resolve(options.cwd, target)));
          break;
        case 'webhook':
          if (!/^https?:\/\//i.test(target)) throw new Error(`"${target}" is not an http(s) URL`);
          sinks.push(new WebhookSink(node.name, target, options.clock, timeoutOf(node)));
          break;
        case 'mqtt':
          sinks.push(new MqttSink(node.name, target, options.clock, timeoutOf(node)));
          break;
      }
    } catch (error) {
      if (error instanceof RunError) throw error;
      throw new RunError('invalid_ir', `sink ${node.name}: ${(error as Error).message}`);
    }
  }
  return sinks;
}
