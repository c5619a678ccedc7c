import { quoted } from '../../diagnostics/quote.js';
import type { ValidationRule } from '../context.js';

export const modelId: ValidationRule = {
  code: 'OVS1024',
  name: 'model-id',
  description: 'A model declaration gives an empty model id or one with spaces.',
  check({ document, report }) {
    for (const statement of document.statements) {
      if (statement.kind !== 'ModelDecl') continue;
      const id = statement.id.value;
      if (id.trim() !== '' && !/\s/.test(id)) continue;
      report({
        range: statement.id.range,
        message: id.trim() === '' ? 'the model id is empty' : `${quoted(id)} is not a model id: model ids have no spaces`,
        hint: 'write the id the backend knows, e.g. "google/gemma-4-E4B-it"',
      });
    }
  },
};
