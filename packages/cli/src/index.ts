/** The `ovs` CLI as a library: run it in-process with your own streams (tests do). */
export { createProgram, runCli } from './program.js';
export type { CliIo, OutputStream } from './io.js';
export type { CommandContext } from './context.js';
export { ExitCode } from './context.js';
export { runSource, PipelineSourceError, type RunSourceOptions } from './run-source.js';
