/** `ovs graph FILE`: the pipeline as a Mermaid or Graphviz graph. */
import { Option } from 'commander';
import type { Command } from 'commander';
import type { GraphFormat } from '@ovs/ir';
import type { CommandContext } from '../context.js';
import { loadPipeline } from '../load.js';

export function registerGraph(program: Command, ctx: CommandContext): void {
  program
    .command('graph')
    .summary('draw the pipeline of a .ovs file as a Mermaid or Graphviz graph')
    .description(
      'Print the pipeline as a graph people can render: streams, models, watches (period and what they see), triggers (labels and qualifiers), escalations, notifications and sinks, with labelled edges.',
    )
    .argument('<file>', 'the .ovs file')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'))
    .addHelpText(
      'after',
      `
Examples:
  $ ovs graph examples/fall-detection.ovs                     Mermaid, for Markdown and GitHub
  $ ovs graph --format dot examples/fall-detection.ovs | dot -Tsvg > fall.svg

Exit status: 0 on success, 1 when the file has errors (printed on stderr), 2 for a usage error.`,
    )
    .action(async (path: string, options: { format: GraphFormat }) => {
      const loaded = await loadPipeline(path, ctx);
      if (!loaded) return;
      const { renderGraph } = await import('../ir-analyses.js');
      ctx.io.stdout.write(renderGraph(loaded.ir, options.format));
    });
}
