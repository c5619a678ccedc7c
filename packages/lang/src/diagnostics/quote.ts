/** Putting user text into a one-line message safely: no control characters, bounded length. */

/** Longest piece of user text a message quotes; longer text is cut with an ellipsis. */
const MAX_QUOTED = 60;

/** Control characters written as escapes (`\n`, `\u001b`), so a message stays one line and cannot drive a terminal. */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** `"text"` for a message, escaped and cut to a readable length. */
export function quoted(text: string): string {
  const cut = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 1)}…` : text;
  return `"${escapeControl(cut)}"`;
}
