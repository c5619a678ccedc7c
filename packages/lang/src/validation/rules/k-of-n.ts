import type { NumberNode } from '../../language/ast.js';
import type { ValidationRule } from '../context.js';

/** How many past answers a trigger may remember. */
export const MAX_K_OF_N_WINDOW = 1000;

export const kOfN: ValidationRule = {
  code: 'OVS1008',
  name: 'k-of-n',
  description: `\`K of N\` needs whole numbers with 1 <= K <= N <= ${MAX_K_OF_N_WINDOW}.`,
  check({ sites, report }) {
    for (const { rule } of sites.rules) {
      if (!rule.kOfN) continue;
      const { k, n } = rule.kOfN;
      const notWhole = [k, n].find((part: NumberNode) => !Number.isInteger(part.value));
      if (notWhole) {
        report({ range: notWhole.range, message: `"K of N" counts answers and takes whole numbers, got ${notWhole.raw}`, hint: 'e.g. "2 of 3"' });
      } else if (n.value < 1) {
        report({ range: n.range, message: `N in "K of N" must be at least 1, got ${n.raw}`, hint: 'e.g. "2 of 3": 2 of the last 3 answers' });
      } else if (k.value < 1) {
        report({ range: k.range, message: `K in "K of N" must be at least 1, got ${k.raw}`, hint: `"1 of ${n.raw}" fires on one positive answer among the last ${n.raw}` });
      } else if (k.value > n.value) {
        report({
          range: rule.kOfN.range,
          message: `"${k.raw} of ${n.raw}" asks for more positive answers than it remembers (K > N)`,
          hint: `did you mean "${n.raw} of ${k.raw}"?`,
        });
      } else if (n.value > MAX_K_OF_N_WINDOW) {
        report({
          range: n.range,
          message: `"of ${n.raw}" remembers too many answers (at most ${MAX_K_OF_N_WINDOW})`,
          hint: `use a smaller N, or a longer period with "every"`,
        });
      }
    }
  },
};
