/** Addresses as they may be shown in logs, errors and records: no credentials, no query strings (tokens often live there). */

/** `scheme://host/path` of a URL; text that is not a URL with a host (a file path) is returned as it is. */
export function redactUrl(url: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' && !url.endsWith('/') ? '' : u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
