import { describe, expect, it } from 'vitest';
import { chooseBackend, HOSTED_URL } from './choose.js';

describe('chooseBackend', () => {
  it.each([
    ['the given backend wins', { url: 'http://127.0.0.1:8080/v1/' }, { OVERSHOOT_API_KEY: 'k' }, { kind: 'remote', url: 'http://127.0.0.1:8080/v1', apiKey: 'k' }],
    ['the given hosted URL is hosted', { url: 'https://api.overshoot.ai/v1beta', apiKey: 'mine' }, {}, { kind: 'hosted', url: 'https://api.overshoot.ai/v1beta', apiKey: 'mine' }],
    ['OVS_BACKEND from the environment', undefined, { OVS_BACKEND: 'http://gpu:9000/v1' }, { kind: 'remote', url: 'http://gpu:9000/v1' }],
    ['an API key alone means the hosted service', undefined, { OVERSHOOT_API_KEY: 'k' }, { kind: 'hosted', url: HOSTED_URL, apiKey: 'k' }],
    ['OVS_API_KEY works too', undefined, { OVS_API_KEY: 'k2' }, { kind: 'hosted', url: HOSTED_URL, apiKey: 'k2' }],
    ['nothing means the embedded server', undefined, {}, { kind: 'embedded' }],
  ] as const)('%s', (_name, backend, env, expected) => {
    expect(chooseBackend(backend as never, env)).toEqual(expected);
  });
});
