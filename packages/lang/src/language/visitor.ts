/**
 * A graphql-js style walk over the AST: a visitor names the kinds it cares about, each with a
 * function called on entering the node, or with `enter` and `leave`. `enter` returning false
 * skips the node's children. Children are visited in field order (for a document: every
 * statement, then every comment).
 */
import type { AstKind, AstNode } from './ast.js';

type NodeOfKind<K extends AstKind> = Extract<AstNode, { kind: K }>;

export type VisitFn<N extends AstNode> = (node: N, parent: AstNode | undefined) => boolean | void;

export type Visitor = {
  readonly [K in AstKind]?: VisitFn<NodeOfKind<K>> | { readonly enter?: VisitFn<NodeOfKind<K>>; readonly leave?: VisitFn<NodeOfKind<K>> };
};

/** The fields of each kind that hold child nodes, in source order. */
const childKeys: { readonly [K in AstKind]: readonly (keyof NodeOfKind<K>)[] } = {
  Name: [],
  String: [],
  Number: [],
  Duration: [],
  TimeOfDay: [],
  Comment: [],
  Document: ['statements', 'comments'],
  Param: ['name', 'value'],
  StreamDecl: ['name', 'value'],
  ModelDecl: ['name', 'id', 'params'],
  SinkDecl: ['name', 'target', 'params'],
  Limit: ['model', 'amount'],
  Window: ['before', 'after', 'fps'],
  Vote: ['count'],
  Schedule: ['from', 'to'],
  Watch: ['streams', 'every', 'models', 'vote', 'window', 'ask', 'system', 'schedule', 'rules'],
  KOfN: ['k', 'n'],
  On: ['labels', 'kOfN', 'above', 'cooldown', 'actions'],
  Escalate: ['model', 'window', 'ask'],
  Notify: ['sink'],
};

/** The child nodes of a node, in the order `visit` walks them. */
export function childrenOf(node: AstNode): AstNode[] {
  const children: AstNode[] = [];
  const record = node as unknown as Record<string, AstNode | readonly AstNode[] | null>;
  for (const key of childKeys[node.kind] as readonly string[]) {
    const value = record[key];
    if (Array.isArray(value)) children.push(...(value as readonly AstNode[]));
    else if (value) children.push(value as AstNode);
  }
  return children;
}

export function visit(root: AstNode, visitor: Visitor): void {
  // An explicit stack: documents can be long, and the walk must not depend on recursion depth.
  const stack: { node: AstNode; parent: AstNode | undefined; leaving: boolean }[] = [{ node: root, parent: undefined, leaving: false }];
  while (stack.length > 0) {
    const { node, parent, leaving } = stack.pop()!;
    const entry = visitor[node.kind] as VisitFn<AstNode> | { enter?: VisitFn<AstNode>; leave?: VisitFn<AstNode> } | undefined;
    const enter = typeof entry === 'function' ? entry : entry?.enter;
    const leave = typeof entry === 'function' ? undefined : entry?.leave;
    if (leaving) {
      leave?.(node, parent);
      continue;
    }
    if (enter?.(node, parent) === false) continue;
    if (leave) stack.push({ node, parent, leaving: true });
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, parent: node, leaving: false });
  }
}
