/**
 * Which backend a run talks to: the one given; else the one named by `OVS_BACKEND`; else, with an
 * API key in the environment (`OVERSHOOT_API_KEY` or `OVS_API_KEY`), the hosted service; else the
 * embedded server, started in-process (everything works offline).
 */
import type { Fetch } from './transport.js';

export const HOSTED_URL = 'https://api.overshoot.ai/v1';

export type BackendKind = 'hosted' | 'remote' | 'embedded';

export interface BackendChoice {
  kind: BackendKind;
  /** Base URL ending in /v1 (or /v1beta); absent for the embedded server until it starts. */
  url?: string;
  apiKey?: string;
  /** The transport given with the backend (see `BackendOption.fetch`). */
  fetch?: Fetch;
}

export interface BackendOption {
  url: string;
  apiKey?: string;
  /**
   * How requests reach the backend, in the global fetch's shape (default: HTTP over keep-alive
   * connections). An embedded server's `server.fetch` calls it in-process.
   */
  fetch?: Fetch;
}

export function isHostedUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === 'overshoot.ai' || host.endsWith('.overshoot.ai');
  } catch {
    return false;
  }
}

export function chooseBackend(backend: BackendOption | undefined, env: Readonly<Record<string, string | undefined>>): BackendChoice {
  const envKey = env.OVS_API_KEY || env.OVERSHOOT_API_KEY || undefined;
  const url = backend?.url ?? (env.OVS_BACKEND || undefined);
  if (url !== undefined) {
    const apiKey = backend?.apiKey ?? envKey;
    return {
      kind: isHostedUrl(url) ? 'hosted' : 'remote',
      url: url.replace(/\/+$/, ''),
      ...(apiKey ? { apiKey } : {}),
      ...(backend?.fetch ? { fetch: backend.fetch } : {}),
    };
  }
  if (envKey) return { kind: 'hosted', url: HOSTED_URL, apiKey: envKey };
  return { kind: 'embedded' };
}
