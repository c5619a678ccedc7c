import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { streamErrorBody } from '@ovs/protocol';
import { HttpError } from './errors.js';

/** Endpoints anyone may call: the model list (as on the hosted service) and the probes. */
const PUBLIC = new Set(['GET /v1/models', 'GET /healthz', 'GET /readyz', 'GET /metrics', 'HEAD /healthz', 'HEAD /readyz']);

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Checks `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests with
 * `timingSafeEqual`, and every configured key is compared, so timing says nothing about how
 * much of a key matched or which one. With no key configured every request passes (the
 * server then only listens on loopback; see `createServer`).
 */
export function createAuthenticator(keys: readonly string[]): (request: FastifyRequest) => HttpError | undefined {
  const digests = keys.map(digest);
  return (request) => {
    if (digests.length === 0) return undefined;
    const route = `${request.method} ${request.url.split('?')[0]}`;
    if (PUBLIC.has(route)) return undefined;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      return unauthorized('Missing API key: send the header "Authorization: Bearer <key>"');
    }
    const candidate = digest(match[1]!);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, candidate) || ok;
    return ok ? undefined : unauthorized('Invalid API key');
  };
}

function unauthorized(detail: string): HttpError {
  return new HttpError(401, streamErrorBody(detail), { 'www-authenticate': 'Bearer' });
}
