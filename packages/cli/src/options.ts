/** Parsers for option values, shared by the commands that take them; a bad value is a usage error. */
import { InvalidArgumentError } from 'commander';
import { DURATION_UNITS, type Resolution } from '@ovs/ir';

/** A name as the language spells it (streams, models). */
const STREAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `--stream NAME=VALUE`, repeatable: collects the bindings by stream name. */
export function collectStreamBinding(value: string, previous: Readonly<Record<string, string>> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  const name = eq === -1 ? value : value.slice(0, eq);
  const target = eq === -1 ? '' : value.slice(eq + 1);
  if (eq === -1 || !STREAM_NAME.test(name) || target === '') {
    throw new InvalidArgumentError(`expected NAME=VALUE, e.g. A=file:clip.mp4 or A=rtsp://127.0.0.1:8554/cam`);
  }
  if (name in previous) throw new InvalidArgumentError(`stream "${name}" is bound twice`);
  return { ...previous, [name]: target };
}

/** `--resolution WIDTHxHEIGHT`, e.g. 1280x720. */
export function parseResolution(value: string): Resolution {
  const match = /^(\d{1,5})[xX](\d{1,5})$/.exec(value.trim());
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || width < 1 || height < 1) throw new InvalidArgumentError('expected WIDTHxHEIGHT in pixels, e.g. 1280x720');
  return { width, height };
}

/** `--port N`: 0 to 65535 (0 picks a free port). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return port;
}

/** `--for 60s`: a positive whole number with a unit ms, s, m or h, as in the language. */
export function parseDurationOption(value: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  const ms = match ? Number(match[1]) * DURATION_UNITS[match[2]!]! : 0;
  if (!match || ms <= 0) throw new InvalidArgumentError('expected a duration like 30s, 1500ms, 5m or 2h');
  return ms;
}

/** `--model NAME=ID`, repeatable: collects model remaps by name. */
export function collectModelMap(value: string, previous: Readonly<Record<string, string>> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  const name = value.slice(0, eq);
  const id = value.slice(eq + 1);
  if (eq <= 0 || !STREAM_NAME.test(name) || id.trim() === '') {
    throw new InvalidArgumentError('expected NAME=ID, e.g. gemma=builtin/motion');
  }
  if (name in previous) throw new InvalidArgumentError(`model "${name}" is remapped twice`);
  return { ...previous, [name]: id };
}
