/** `ovs fmt FILE...|-`: the canonical layout of .ovs files, printed, checked or written back. */
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../context.js';
import { describeFsError, readInput, writeFileAtomic } from '../files.js';
import { hasErrors, loadLang, problemDiagnostic, report } from '../load.js';

interface FmtOptions {
  readonly write?: boolean;
  readonly check?: boolean;
}

export function registerFmt(program: Command, ctx: CommandContext): void {
  program
    .command('fmt')
    .summary('format .ovs files in the canonical layout')
    .description(
      'Format .ovs files in the one canonical layout (comments kept). Prints the formatted text unless --write or --check is given. A file with syntax errors is reported and left untouched.',
    )
    .argument('<files...>', '.ovs files to format, or - to read standard input')
    .option('-w, --write', 'rewrite the files in place (only those that change)')
    .option('-c, --check', 'change nothing; list the files that are not formatted and exit 1 if there are any')
    .addHelpText(
      'after',
      `
Examples:
  $ ovs fmt pipeline.ovs                 print the formatted file
  $ ovs fmt --write examples/*.ovs       format files in place
  $ ovs fmt --check examples/*.ovs       in CI: fail when a file is not formatted
  $ cat pipeline.ovs | ovs fmt -         format standard input

Exit status: 0 on success, 1 when a file has syntax errors or cannot be read (or, with --check,
is not formatted), 2 for a usage error.`,
    )
    .action(async (files: string[], options: FmtOptions, command: Command) => {
      if (options.write && options.check) command.error("error: options '--write' and '--check' cannot be used together", { exitCode: ExitCode.usage });
      if (options.write && files.includes('-')) command.error('error: --write cannot rewrite standard input; drop --write to print the result', { exitCode: ExitCode.usage });
      const { format, Source } = await loadLang();
      const unformatted: string[] = [];
      for (const path of files) {
        const input = await readInput(path, ctx.io);
        if (input.problem) {
          await report({ input, source: new Source(input.text, input.name), diagnostics: [problemDiagnostic(input.problem, input.text)] }, ctx.io.stderr, ctx);
          ctx.exitCode = ExitCode.failure;
          continue;
        }
        const result = format(input.text, input.name);
        if (hasErrors(result.diagnostics)) {
          await report({ input, source: new Source(input.text, input.name), diagnostics: result.diagnostics }, ctx.io.stderr, ctx);
          ctx.io.stderr.write(`${input.name}: not formatted (fix the syntax errors first)\n`);
          ctx.exitCode = ExitCode.failure;
          continue;
        }
        if (options.check) {
          if (result.changed) unformatted.push(input.name);
        } else if (options.write) {
          if (!result.changed) continue;
          try {
            await writeFileAtomic(path, result.text);
            ctx.io.stdout.write(`formatted ${input.name}\n`);
          } catch (error) {
            const [what, hint] = describeFsError(error);
            ctx.io.stderr.write(`${input.name}: cannot write: ${what}${hint ? `\n  hint: ${hint}` : ''}\n`);
            ctx.exitCode = ExitCode.failure;
          }
        } else {
          ctx.io.stdout.write(result.text);
        }
      }
      if (unformatted.length > 0) {
        ctx.io.stdout.write(unformatted.map((name) => `${name}\n`).join(''));
        const some = unformatted.length === 1 ? '1 file is' : `${unformatted.length} files are`;
        ctx.io.stderr.write(`${some} not formatted; run "ovs fmt --write" on ${unformatted.length === 1 ? 'it' : 'them'}\n`);
        ctx.exitCode = ExitCode.failure;
      }
    });
}
