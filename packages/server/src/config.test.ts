import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/clips.js';
import { apiKeysFromEnv, checkMediaRoot, ConfigError, isLoopbackHost, loadConfigFile, parseServerConfig, parseUpstreamFlag, upstreamApiKey } from './config.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('server configuration', () => {
  it('accepts a full config', () => {
    const config = parseServerConfig({
      host: '0.0.0.0',
      port: 8080,
      apiKeys: ['abcdefgh12'],
      upstreams: { qwen: { baseUrl: 'http://127.0.0.1:8000/v1', model: 'Qwen', apiKeyEnv: 'QWEN_KEY', timeoutMs: 1000 } },
      retention: { durationMs: 60_000, streamBytes: 1e6, totalBytes: 1e7 },
      ingest: { maxFps: 5, maxSide: 640, backoffMinMs: 100, backoffMaxMs: 1000 },
      leaseMs: 1000,
    });
    expect(config.upstreams?.qwen?.model).toBe('Qwen');
  });

  it('names every wrong field', () => {
    expect(() => parseServerConfig({ port: 'eighty', upstreams: { x: { baseUrl: 'ftp://h', model: '' } }, typo: 1 })).toThrowError(ConfigError);
    try {
      parseServerConfig({ port: 'eighty', upstreams: { x: { baseUrl: 'ftp://h', model: '' } }, typo: 1 });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/^invalid server options:/);
      expect(message).toMatch(/- port: /);
      expect(message).toMatch(/- upstreams\.x\.baseUrl: must be an http:\/\/ or https:\/\/ URL/);
      expect(message).toMatch(/- upstreams\.x\.model: /);
      expect(message).toMatch(/typo/);
    }
    expect(() => parseServerConfig({ ingest: { backoffMinMs: 10, backoffMaxMs: 5 } })).toThrow(/backoffMinMs \(10\) is larger than ingest.backoffMaxMs \(5\)/);
  });

  it('loads a JSON file and reports unreadable or invalid files by name', async () => {
    const good = path.join(tmp.dir, 'good.json');
    writeFileSync(good, JSON.stringify({ port: 1234, mediaRoot: '/srv' }));
    expect(await loadConfigFile(good)).toEqual({ port: 1234, mediaRoot: '/srv' });
    const bad = path.join(tmp.dir, 'bad.json');
    writeFileSync(bad, '{ "port": ');
    await expect(loadConfigFile(bad)).rejects.toThrow(`config file ${bad} is not valid JSON`);
    writeFileSync(bad, '{ "port": -1 }');
    await expect(loadConfigFile(bad)).rejects.toThrow(`invalid config file ${bad}:\n  - port:`);
    await expect(loadConfigFile(path.join(tmp.dir, 'missing.json'))).rejects.toThrow(/cannot read config file/);
  });

  it('reads OVS_API_KEYS, comma-separated', () => {
    expect(apiKeysFromEnv({ OVS_API_KEYS: ' key-one-123 ,, key-two-456 ' })).toEqual(['key-one-123', 'key-two-456']);
    expect(apiKeysFromEnv({})).toEqual([]);
    expect(() => apiKeysFromEnv({ OVS_API_KEYS: 'short' })).toThrow(/at least 8 characters/);
  });

  it('reads --upstream flags and upstream keys', () => {
    expect(parseUpstreamFlag('qwen=Qwen/Qwen2.5-VL-7B@http://127.0.0.1:8000/v1')).toEqual(['qwen', { model: 'Qwen/Qwen2.5-VL-7B', baseUrl: 'http://127.0.0.1:8000/v1' }]);
    expect(parseUpstreamFlag('a=m@x@http://h/v1')[1].model).toBe('m@x');
    expect(() => parseUpstreamFlag('qwen')).toThrow(/expected ID=MODEL@BASE_URL/);
    expect(() => parseUpstreamFlag('q=m@notaurl')).toThrow(/baseUrl/);
    expect(upstreamApiKey('q', { baseUrl: 'http://h', model: 'm', apiKeyEnv: 'K' }, { K: 'secret' })).toBe('secret');
    expect(() => upstreamApiKey('q', { baseUrl: 'http://h', model: 'm', apiKeyEnv: 'K' }, {})).toThrow(/upstreams.q.apiKeyEnv names K, which is not set/);
  });

  it('requires the media root to be an existing directory, naming the field and the fix', async () => {
    await expect(checkMediaRoot(undefined)).resolves.toBeUndefined();
    await expect(checkMediaRoot(tmp.dir)).resolves.toBeUndefined();
    const missing = checkMediaRoot(path.join(tmp.dir, 'nope'));
    await expect(missing).rejects.toThrowError(ConfigError);
    await expect(missing).rejects.toThrow(/mediaRoot \(--media-root\) ".*nope" does not exist: create the directory/);
    const file = path.join(tmp.dir, 'a-file.txt');
    writeFileSync(file, 'x');
    await expect(checkMediaRoot(file)).rejects.toThrow(/mediaRoot \(--media-root\) ".*a-file.txt" is not a directory/);
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});
