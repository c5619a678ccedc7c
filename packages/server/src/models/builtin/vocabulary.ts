/**
 * The labels a builtin model can judge, and how the words of a request map onto them: schema
 * keys such as "Person", "traffic_light" or "dogs", and free prompt text such as "is anyone at
 * the gate?". Matching is deliberately plain — whole words, simple plurals, a short list of
 * synonyms — so that what a model answers for a label is easy to predict.
 */
export interface Vocabulary {
  /** Every label this model judges, in its own spelling. */
  readonly labels: readonly string[];
  /** The label `name` stands for, or undefined when this model cannot judge it. */
  canonical(name: string): string | undefined;
  /** The labels named anywhere in `text`, in order of first mention, without duplicates. */
  mentionedIn(text: string): string[];
}

/** Lower case, words separated by single spaces: "Traffic_Light" and "traffic-light" meet. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function vocabulary(
  labels: readonly string[],
  synonyms: Readonly<Record<string, readonly string[]>> = {},
): Vocabulary {
  const byTerm = new Map<string, string>();
  const add = (term: string, label: string) => {
    const word = normalise(term);
    // A label's own spelling wins over another label's synonym or plural.
    if (word !== '' && !byTerm.has(word)) byTerm.set(word, label);
  };
  for (const label of labels) add(label, label);
  for (const label of labels) {
    for (const term of [label, ...(synonyms[label] ?? [])]) {
      add(term, label);
      add(`${term}s`, label);
      add(`${term}es`, label);
    }
  }
  // Longest terms first, so "hot dog" is found before "dog" claims the same words.
  const terms = [...byTerm.keys()].sort((a, b) => b.length - a.length);

  return {
    labels,
    canonical: (name) => byTerm.get(normalise(name)),
    mentionedIn(text) {
      let padded = ` ${normalise(text)} `;
      const found: { label: string; at: number }[] = [];
      for (const term of terms) {
        const needle = ` ${term} `;
        let at = padded.indexOf(needle);
        if (at < 0) continue;
        const label = byTerm.get(term) as string;
        found.push({ label, at });
        // Blank every occurrence out so shorter terms inside it ("dog" in "hot dog") don't match.
        while (at >= 0) {
          padded = `${padded.slice(0, at + 1)}${'_'.repeat(term.length)}${padded.slice(at + 1 + term.length)}`;
          at = padded.indexOf(needle);
        }
      }
      found.sort((a, b) => a.at - b.at);
      return [...new Set(found.map((f) => f.label))];
    },
  };
}
