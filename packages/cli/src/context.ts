/** What every command gets: where to read and write, and the exit code it settles on. */
import type { CliIo } from './io.js';

export interface CommandContext {
  readonly io: CliIo;
  /** 0 unless a command sets it: 1 for problems in the input, 2 for usage errors. */
  exitCode: number;
}

export const ExitCode = {
  ok: 0,
  /** Errors in the input: diagnostics, unreadable files, files that would be reformatted. */
  failure: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** A bug in ovs (EX_SOFTWARE). */
  internal: 70,
  /** Cut short by a signal (128 + SIGINT). */
  interrupted: 130,
} as const;
