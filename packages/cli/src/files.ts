/**
 * Reading .ovs files with errors people can act on: a missing file, a directory, a file we may
 * not read, a binary or a huge file each become one clear problem, never an exception.
 */
import { randomBytes } from 'node:crypto';
import { readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CliIo } from './io.js';

/** Larger inputs are refused before reading: no real pipeline comes near it. */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** The name of standard input, in messages and diagnostics. */
export const STDIN_NAME = '<stdin>';

/**
 * Codes of problems with the input file itself (the language's codes are OVS0xxx-OVS1xxx):
 * listed with the others in docs/language.md.
 */
export const InputCode = {
  unreadable: 'OVS9001',
  binary: 'OVS9002',
  tooLarge: 'OVS9003',
} as const;

export interface InputProblem {
  readonly code: (typeof InputCode)[keyof typeof InputCode];
  readonly message: string;
  readonly hint?: string;
  /** Where in `text` the problem is (0 for the whole file). */
  readonly offset: number;
}

export interface Input {
  /** The path as the user typed it, or `<stdin>`. */
  readonly name: string;
  /** The text (empty when it could not be read). */
  readonly text: string;
  readonly problem?: InputProblem;
}

/** Reads a file, or standard input for `-`. */
export async function readInput(path: string, io: CliIo): Promise<Input> {
  if (path === '-') {
    const bytes = await io.readStdin(MAX_SOURCE_BYTES);
    // Reading stopped past the limit: the real size is unknown.
    return bytes.length > MAX_SOURCE_BYTES ? tooLarge(STDIN_NAME, undefined) : decode(STDIN_NAME, bytes);
  }
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      return unreadable(path, 'is a directory, not a .ovs file', `name the files inside it, e.g. ${join(path, '*.ovs')}`);
    }
    if (!info.isFile()) return unreadable(path, 'is not a regular file', 'give the path of a .ovs file, or - for standard input');
    size = info.size;
  } catch (error) {
    return unreadable(path, ...describeFsError(error));
  }
  if (size > MAX_SOURCE_BYTES) return tooLarge(path, size);
  try {
    return decode(path, await readFile(path));
  } catch (error) {
    return unreadable(path, ...describeFsError(error));
  }
}

function decode(name: string, bytes: Buffer): Input {
  if (bytes.length > MAX_SOURCE_BYTES) return tooLarge(name, bytes.length);
  const text = bytes.toString('utf8');
  const nul = bytes.indexOf(0) === -1 ? -1 : text.indexOf('\0');
  if (nul !== -1) {
    return {
      name,
      text,
      problem: { code: InputCode.binary, message: 'not a text file: it contains a NUL byte', hint: '.ovs files are UTF-8 text; is this the right file?', offset: nul },
    };
  }
  return { name, text };
}

function unreadable(name: string, message: string, hint?: string): Input {
  return { name, text: '', problem: { code: InputCode.unreadable, message: `cannot read ${quote(name)}: ${message}`, hint, offset: 0 } };
}

/** `bytes` is undefined when reading stopped at the limit. */
function tooLarge(name: string, bytes: number | undefined): Input {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const size = bytes === undefined ? `more than ${mib(MAX_SOURCE_BYTES)}` : `${mib(bytes)}; the limit is ${mib(MAX_SOURCE_BYTES)}`;
  return {
    name,
    text: '',
    problem: { code: InputCode.tooLarge, message: `${bytes === undefined ? 'input' : 'file'} is too large for a .ovs file (${size})`, hint: 'is this the right file?', offset: 0 },
  };
}

const quote = (path: string) => JSON.stringify(path);

/** A file-system error as `[what happened, how to fix it]`, without a stack. */
export function describeFsError(error: unknown): [string, string | undefined] {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return ['no such file', 'check the path (a relative path starts at the current directory)'];
    case 'EACCES':
    case 'EPERM':
      return ['permission denied', "check the file's permissions"];
    case 'EISDIR':
      return ['is a directory, not a .ovs file', undefined];
    case 'ENOTDIR':
      return ['a part of the path is not a directory', 'check the path'];
    case 'EROFS':
      return ['the file system is read-only', undefined];
    case 'ENOSPC':
      return ['no space left on the device', undefined];
    default:
      return [`${code ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`, undefined];
  }
}

/**
 * Replaces a file's content all at once: writes a temporary file beside it (same mode), then
 * renames it over the original, so a crash never leaves a half-written file. A symbolic link is
 * followed: its target is rewritten and the link stays a link.
 */
export async function writeFileAtomic(linkOrPath: string, text: string): Promise<void> {
  const path = await realpath(linkOrPath);
  const { mode } = await stat(path);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { mode: mode & 0o7777, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
