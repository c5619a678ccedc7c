/** URL checks shared by the stream and sink rules. */

/** `stream x = "ovs://streams/<id>"` names the existing stream `<id>`. */
export const STREAM_REFERENCE_PREFIX = 'ovs://streams/';

export function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** True when `text` is an absolute URL with a host and one of the schemes (without the colon). */
export function isUrlWithScheme(text: string, schemes: readonly string[]): boolean {
  const url = parseUrl(text);
  return url !== undefined && url.host !== '' && schemes.includes(url.protocol.slice(0, -1)) && !/\s/.test(text);
}
