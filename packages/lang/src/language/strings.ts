/** String literals: `"..."` with the escapes `\" \\ \n \t`. */

const escapes: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t' };

export interface DecodedString {
  readonly value: string;
  /** Offsets (within the literal) of backslashes followed by a letter that is not an escape. */
  readonly badEscapes: readonly number[];
}

const noEscapes: readonly number[] = [];

/** The value of a string token, closing quote optional (an unterminated string still has one). */
export function decodeString(image: string): DecodedString {
  if (image.length >= 2 && image.endsWith('"') && !image.includes('\\')) return { value: image.slice(1, -1), badEscapes: noEscapes };
  const end = image.length > 1 && image.endsWith('"') && !isEscaped(image, image.length - 1) ? image.length - 1 : image.length;
  let value = '';
  const badEscapes: number[] = [];
  let runStart = 1;
  for (let i = 1; i < end; i++) {
    if (image.charCodeAt(i) !== 92) continue;
    value += image.slice(runStart, i);
    const next = image[i + 1];
    if (next === undefined || i + 1 >= end) {
      // A lone backslash before the end of an unterminated string: nothing to escape.
      runStart = end;
      break;
    }
    const decoded = escapes[next];
    if (decoded === undefined) {
      badEscapes.push(i);
      value += next;
    } else {
      value += decoded;
    }
    i++;
    runStart = i + 1;
  }
  if (runStart < end) value += image.slice(runStart, end);
  return { value, badEscapes };
}

function isEscaped(image: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 1 && image.charCodeAt(i) === 92; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** A string literal that decodes back to `value`. */
export function quoteString(value: string): string {
  return `"${value.replace(/[\\"\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\${c}`))}"`;
}
