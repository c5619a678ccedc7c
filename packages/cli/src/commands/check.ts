/** `ovs check FILE...`: report every problem in .ovs files, and which streams are parameters. */
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../context.js';
import { checkFile, hasErrors, loadLang, report } from '../load.js';
import type { CheckedFile } from '../load.js';

interface CheckOptions {
  readonly json?: boolean;
}

export function registerCheck(program: Command, ctx: CommandContext): void {
  program
    .command('check')
    .summary('check .ovs files and report their problems')
    .description(
      'Check .ovs files: syntax, names, durations, rules. Prints every problem with its file:line:col, a code and a hint, then one line per file: ok, or how many errors and warnings. Also says which streams are parameters (used but not declared), to be bound with --stream NAME=... when the pipeline runs.',
    )
    .argument('<files...>', '.ovs files to check')
    .option('--json', 'print one JSON document (for editors and tools) instead of text')
    .addHelpText(
      'after',
      `
Examples:
  $ ovs check examples/fall-detection.ovs
  $ ovs check examples/*.ovs
  $ ovs check --json pipeline.ovs | jq '.diagnostics[] | .message'

Exit status: 0 when no file has an error (warnings allowed), 1 when one has, 2 for a usage error.`,
    )
    .action(async (files: string[], options: CheckOptions) => {
      const checked: CheckedFile[] = [];
      for (const path of files) checked.push(await checkFile(path, ctx));
      if (checked.some((f) => hasErrors(f.diagnostics))) ctx.exitCode = ExitCode.failure;
      if (options.json) await printJson(checked, ctx);
      else await printText(checked, ctx);
    });
}

async function printJson(checked: readonly CheckedFile[], ctx: CommandContext): Promise<void> {
  const { diagnosticsToJson } = await loadLang();
  const json = {
    ...diagnosticsToJson(checked.map(({ source, diagnostics }) => ({ source, diagnostics }))),
    files: checked.map((f) => ({ file: f.input.name, valid: !hasErrors(f.diagnostics), parameters: f.parameters })),
  };
  ctx.io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}

async function printText(checked: readonly CheckedFile[], ctx: CommandContext): Promise<void> {
  const { summarize } = await loadLang();
  const out = ctx.io.stdout;
  for (const file of checked) {
    await report(file, out, ctx);
    const status = file.diagnostics.length === 0 ? 'ok' : summarize(file.diagnostics);
    out.write(`${file.input.name}: ${status}${parametersNote(file)}\n`);
  }
  if (checked.length > 1) {
    const failed = checked.filter((f) => hasErrors(f.diagnostics)).length;
    const all = checked.flatMap((f) => f.diagnostics);
    out.write(`${checked.length} files checked, ${failed === 0 ? 'all without errors' : `${failed} with errors`} (${summarize(all)})\n`);
  }
}

/** ` (parameters: A, B — bind with --stream A=... --stream B=...)`, for a file without errors. */
function parametersNote(file: CheckedFile): string {
  if (file.parameters.length === 0 || hasErrors(file.diagnostics)) return '';
  const binds = file.parameters.map((p) => `--stream ${p}=...`).join(' ');
  return ` (parameters: ${file.parameters.join(', ')} — bind with ${binds})`;
}
