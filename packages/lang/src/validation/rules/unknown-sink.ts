import { quoted } from '../../diagnostics/quote.js';
import { nearest } from '../../diagnostics/suggest.js';
import type { ValidationRule } from '../context.js';

export const unknownSink: ValidationRule = {
  code: 'OVS1002',
  name: 'unknown-sink',
  description: 'A notify names a sink that is not declared (stdout needs no declaration).',
  check({ symbols, sites, report }) {
    for (const { sink } of sites.notifies) {
      if (symbols.isSink(sink.value)) continue;
      const suggestion = nearest(sink.value, symbols.sinkNames);
      report({
        range: sink.range,
        message: `unknown sink ${quoted(sink.value)}`,
        hint: suggestion
          ? `did you mean "${suggestion}"?`
          : `declare it: sink ${sink.value} = webhook "https://..." (or file "events.jsonl", or mqtt "mqtt://host:1883/topic"), or notify stdout`,
      });
    }
  },
};
