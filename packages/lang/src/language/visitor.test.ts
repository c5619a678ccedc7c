import { describe, expect, it } from 'vitest';
import type { AstNode } from './ast.js';
import { parse } from './parser.js';
import { childrenOf, visit } from './visitor.js';

const text = 'model q = "Q" (t 0)\nwatch stream a every 2s with m on "x" escalate to q over last 5s then notify s # note';

describe('visit', () => {
  it('calls enter and leave per kind, depth first, children in field order', () => {
    const { document } = parse(text);
    const seen: string[] = [];
    visit(document, {
      Watch: { enter: (w) => void seen.push(`enter watch ${w.streams[0]!.value}`), leave: () => void seen.push('leave watch') },
      Name: (n, parent) => void seen.push(`name ${n.value} in ${parent?.kind}`),
      Comment: (c) => void seen.push(`comment${c.text}`),
    });
    expect(seen).toEqual([
      'name q in ModelDecl',
      'name t in Param',
      'enter watch a',
      'name a in Watch',
      'name m in Watch',
      'name q in Escalate',
      'name s in Notify',
      'leave watch',
      'comment note',
    ]);
  });

  it('skips the children of a node when enter returns false', () => {
    const { document } = parse(text);
    const names: string[] = [];
    visit(document, { Watch: () => false, Name: (n) => void names.push(n.value) });
    expect(names).toEqual(['q', 't']);
  });

  it('reaches every node exactly once', () => {
    const { document } = parse(text);
    const count = (node: AstNode): number => 1 + childrenOf(node).reduce((sum, child) => sum + count(child), 0);
    let visited = 0;
    const every = { enter: () => void visited++ };
    visit(document, Object.fromEntries(['Document', 'Name', 'String', 'Number', 'Duration', 'Comment', 'Param', 'ModelDecl', 'Watch', 'On', 'Escalate', 'Window', 'Notify'].map((k) => [k, every])));
    expect(visited).toBe(count(document));
    expect(visited).toBe(20);
  });
});
