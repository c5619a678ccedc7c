/** docs/cli.md and docs/language.md stay true to the code: every command, option and diagnostic code is documented. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { specifiedRules } from '@ovs/lang';
import { InputCode } from './files.js';
import { processIo } from './io.js';
import { createProgram } from './program.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const doc = (name: string) => readFileSync(join(root, 'docs', name), 'utf8');

/** Every `'OVSnnnn'` literal in a directory's sources (tests aside). */
function codesIn(dir: string): Set<string> {
  const codes = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const match of text.matchAll(/'(OVS\d{4})'/g)) codes.add(match[1]!);
  }
  return codes;
}

describe('docs/language.md', () => {
  const text = doc('language.md');
  const tableCodes = new Set([...text.matchAll(/^\| (OVS\d{4}) \|/gm)].map((m) => m[1]!));

  it('lists every diagnostic code the parser, the checker and the CLI report, and no other', () => {
    const codes = new Set([...codesIn(join(root, 'packages/lang/src')), ...Object.values(InputCode)]);
    expect([...tableCodes].sort()).toEqual([...codes].sort());
  });

  it("gives each checker rule's code, name and description", () => {
    for (const rule of specifiedRules) {
      expect(text).toContain(`| ${rule.code} | ${rule.name} | ${rule.description.replace(/\.$/, '')}`);
    }
  });
});

describe('docs/cli.md', () => {
  const text = doc('cli.md');
  const program = createProgram({ io: processIo(), exitCode: 0 });

  it.each(program.commands.map((c) => c.name()).filter((name) => name !== 'help'))('documents "ovs %s" and every option', (name) => {
    const section = text.split(/^## /m).find((s) => s.startsWith(`ovs ${name}\n`));
    expect(section, `a "## ovs ${name}" section`).toBeDefined();
    for (const option of program.commands.find((c) => c.name() === name)!.options) {
      if (option.long === '--help') continue;
      expect(section).toContain(`\`${option.long}`);
    }
  });

  it('documents every exit status', () => {
    for (const status of [0, 1, 2, 70]) expect(text).toMatch(new RegExp(`^\\| ${status} +\\|`, 'm'));
  });
});
