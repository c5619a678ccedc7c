/** Runs `ovs` in-process with captured output, for the CLI's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { CliIo } from './io.js';
import { runCli } from './program.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  /** Pretend both outputs are terminals. */
  tty?: boolean;
  env?: Record<string, string>;
  readStdin?: () => Promise<Buffer>;
  /** Receives the function that delivers a stop signal (SIGINT) to a long-running command. */
  onStopSignal?: (deliver: (signal: string) => void) => void;
  /** Sees standard error as it is written, for commands that keep running. */
  onStderr?: (text: string) => void;
}

export async function ovs(args: string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t) => void (stdout += t), isTTY: options.tty ?? false },
    stderr: {
      write: (t) => {
        stderr += t;
        options.onStderr?.(t);
      },
      isTTY: options.tty ?? false,
    },
    readStdin: options.readStdin ?? (async () => Buffer.from(options.stdin ?? '', 'utf8')),
    env: options.env ?? {},
    onStopSignal(handler) {
      options.onStopSignal?.(handler);
      return () => {};
    },
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** The repository's examples directory. */
export const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** A fresh temporary directory, removed after the file's tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ovs-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** No stack trace leaked to people. */
export const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
