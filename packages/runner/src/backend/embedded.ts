/**
 * The embedded backend: the project's own server, started in-process on a free loopback port
 * and closed when the run ends. Imported on demand, so a run against another backend never loads
 * it (and this package builds without it).
 */
import { RunError, describeError } from '../errors.js';
import type { Fetch } from './transport.js';

export interface EmbeddedServer {
  /** Base URL ending in /v1. */
  url: string;
  /** Requests to it in-process (no sockets). */
  fetch: Fetch;
  close(): Promise<void>;
}

interface StartedServer {
  url: string;
  fetch: Fetch;
  close(): Promise<void>;
}

interface ServerModule {
  createServer(options: { host: string; port: number; mediaRoot?: string }): Promise<StartedServer>;
}

export async function startEmbeddedServer(mediaRoot: string): Promise<EmbeddedServer> {
  let mod: ServerModule;
  try {
    const specifier = '@ovs/server';
    mod = (await import(specifier)) as ServerModule;
    if (typeof mod.createServer !== 'function') throw new Error('it has no createServer()');
  } catch (error) {
    throw new RunError('backend_unavailable', `the embedded server (@ovs/server) cannot be loaded (${describeError(error)}); give a backend with --backend URL`);
  }
  let server: StartedServer;
  try {
    server = await mod.createServer({ host: '127.0.0.1', port: 0, mediaRoot });
  } catch (error) {
    throw new RunError('backend_unavailable', `the embedded server could not start: ${describeError(error)}`);
  }
  const base = server.url.replace(/\/+$/, '');
  return { url: /\/v1(beta)?$/.test(base) ? base : `${base}/v1`, fetch: server.fetch, close: () => server.close() };
}
