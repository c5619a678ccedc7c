#!/usr/bin/env node
/** The `ovs` executable. */
import { processIo } from './io.js';
import { internalError, runCli } from './program.js';

const io = processIo();
// A reader that goes away (`ovs compile x.ovs | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.exitCode = internalError(error, io);
  });
}
process.on('unhandledRejection', (reason) => {
  process.exitCode = internalError(reason, io);
});
runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = internalError(error, io);
  },
);
