import { quoted } from '../../diagnostics/quote.js';
import { nearest } from '../../diagnostics/suggest.js';
import type { ValidationRule } from '../context.js';
import { rulesOf } from '../walk.js';

export const unknownSink: ValidationRule = {
  code: 'OVS1002',
  name: 'unknown-sink',
  description: 'A notify names a sink that is not declared (stdout needs no declaration).',
  check({ symbols, report }) {
    for (const { rule } of rulesOf(symbols.watches)) {
      for (const action of rule.actions) {
        if (action.kind !== 'Notify' || symbols.isSink(action.sink.value)) continue;
        const name = action.sink.value;
        const suggestion = nearest(name, symbols.sinkNames);
        report({
          range: action.sink.range,
          message: `unknown sink ${quoted(name)}`,
          hint: suggestion
            ? `did you mean "${suggestion}"?`
            : `declare it: sink ${name} = webhook "https://..." (or file "events.jsonl", or mqtt "mqtt://host:1883/topic"), or notify stdout`,
        });
      }
    }
  },
};
