/** `ovs plan FILE`: what a pipeline will cost per hour, before it runs. */
import type { Command } from 'commander';
import type { Resolution } from '@ovs/ir';
import { BINDING_FORMS, parseStreamBinding } from '@ovs/protocol';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../context.js';
import { loadPipeline } from '../load.js';
import { collectStreamBinding, parseResolution } from '../options.js';

interface PlanOptions {
  readonly stream?: Record<string, string>;
  readonly resolution?: Resolution;
  readonly json?: boolean;
}

export function registerPlan(program: Command, ctx: CommandContext): void {
  program
    .command('plan')
    .summary('estimate what a pipeline will cost per hour, before running it')
    .description(
      'Estimate, per model, the calls, frames and visual tokens per hour of a .ovs pipeline in two cases: no event fires (only the watches call their models), and the worst case (every trigger fires as often as its cooldown allows and every escalation confirms). Budgets (limit ... per hour) cap both. Token formulas per model family are in docs/cli.md; an unknown model shows frames only.',
    )
    .argument('<file>', 'the .ovs file')
    .option('--stream <name=value>', 'bind a stream parameter, as for a run (repeatable; not needed for the estimate)', collectStreamBinding)
    .option('--resolution <WxH>', 'stream resolution used for per-pixel token costs (default: 1280x720)', parseResolution)
    .option('--json', 'print the estimate as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ ovs plan examples/fall-detection.ovs
  $ ovs plan examples/oneliner.ovs --stream A=file:clip.mp4 --resolution 640x480
  $ ovs plan --json pipeline.ovs | jq '.worst.total.perHour.tokens'

Exit status: 0 on success, 1 when the file has errors (printed on stderr), 2 for a usage error.`,
    )
    .action(async (path: string, options: PlanOptions, command: Command) => {
      // Checked as a run would, so a binding that plans fine also runs.
      for (const [name, value] of Object.entries(options.stream ?? {})) {
        const binding = parseStreamBinding(value);
        if (!binding.ok) command.error(`error: --stream ${name}: ${binding.error}; bind it with --stream ${name}=${BINDING_FORMS}`, { exitCode: ExitCode.usage });
      }
      const loaded = await loadPipeline(path, ctx);
      if (!loaded) return;
      const { planCost, renderPlanTable } = await import('../ir-analyses.js');
      const plan = planCost(loaded.ir, options.resolution ? { resolution: options.resolution } : {});
      const bound = Object.keys(options.stream ?? {});
      if (options.json) {
        const unbound = plan.parameters.filter((p) => !bound.includes(p));
        ctx.io.stdout.write(`${JSON.stringify({ file: loaded.file.input.name, ...plan, unboundParameters: unbound }, null, 2)}\n`);
      } else {
        ctx.io.stdout.write(renderPlanTable(plan, { file: loaded.file.input.name, bound }));
      }
    });
}
