/** `ovs compile FILE`: the pipeline's graph IR as JSON. */
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { loadPipeline } from '../load.js';

export function registerCompile(program: Command, ctx: CommandContext): void {
  program
    .command('compile')
    .summary('print the compiled graph IR of a .ovs file as JSON')
    .description(
      'Compile a .ovs file to its graph IR (nodes for streams, models, sinks, watches, triggers, escalations and notifications, typed edges between them, limits) and print it as JSON. The IR is described by docs/ir.schema.json.',
    )
    .argument('<file>', 'the .ovs file')
    .addHelpText(
      'after',
      `
Examples:
  $ ovs compile examples/fall-detection.ovs > fall.ir.json
  $ ovs compile pipeline.ovs | jq '.nodes[] | select(.type == "watch")'

Exit status: 0 on success, 1 when the file has errors (printed on stderr), 2 for a usage error.`,
    )
    .action(async (path: string) => {
      const loaded = await loadPipeline(path, ctx);
      if (loaded) ctx.io.stdout.write(`${JSON.stringify(loaded.ir, null, 2)}\n`);
    });
}
