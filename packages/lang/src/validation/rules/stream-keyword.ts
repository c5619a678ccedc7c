import type { ValidationRule } from '../context.js';
import { watchHeadRange } from '../ranges.js';

export const streamKeyword: ValidationRule = {
  code: 'OVS1018',
  name: 'stream-keyword',
  description: '`streams` with a single stream, or `stream` with several (warning).',
  check({ symbols, report }) {
    for (const watch of symbols.watches) {
      const names = watch.streams.map((stream) => stream.value).join(', ');
      if (watch.plural && watch.streams.length === 1) {
        report({ severity: 'warning', range: watchHeadRange(watch), message: '"streams" is followed by a single stream', hint: `write "watch stream ${names}"` });
      } else if (!watch.plural && watch.streams.length > 1) {
        report({ severity: 'warning', range: watchHeadRange(watch), message: '"stream" is followed by several streams', hint: `write "watch streams ${names}"` });
      }
    }
  },
};
