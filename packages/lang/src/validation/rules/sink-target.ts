import { quoted } from '../../diagnostics/quote.js';
import type { SinkDeclNode } from '../../language/ast.js';
import type { Problem, ValidationRule } from '../context.js';
import { isUrlWithScheme, parseUrl } from '../url.js';

function checkTarget(decl: SinkDeclNode): Omit<Problem, 'range'> | undefined {
  const text = decl.target.value;
  switch (decl.sinkType) {
    case 'webhook':
      return isUrlWithScheme(text, ['http', 'https']) ? undefined : { message: `${quoted(text)} is not an http(s) URL`, hint: 'write e.g. webhook "https://example.com/hook"' };
    case 'mqtt': {
      const topic = isUrlWithScheme(text, ['mqtt', 'mqtts']) ? parseUrl(text)!.pathname.replace(/^\//, '') : undefined;
      if (topic === undefined) return { message: `${quoted(text)} is not an MQTT URL`, hint: 'write e.g. mqtt "mqtt://127.0.0.1:1883/ovs/events"' };
      if (topic === '') return { message: `${quoted(text)} names no topic to publish to`, hint: `add it after the host: "${text.replace(/\/$/, '')}/ovs/events"` };
      return undefined;
    }
    case 'file':
      return text.trim() !== '' ? undefined : { message: 'the file path is empty', hint: 'write e.g. file "events.jsonl"' };
  }
}

export const sinkTarget: ValidationRule = {
  code: 'OVS1023',
  name: 'sink-target',
  description: "A sink's URL or path is empty or malformed (webhook: http(s) URL; mqtt: mqtt://host[:port]/topic).",
  check({ document, report }) {
    for (const statement of document.statements) {
      if (statement.kind !== 'SinkDecl') continue;
      const problem = checkTarget(statement);
      if (problem) report({ range: statement.target.range, ...problem });
    }
  },
};
