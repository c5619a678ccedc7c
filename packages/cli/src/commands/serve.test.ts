import { describe, expect, it } from 'vitest';
import { ovs } from '../cli.test-harness.js';

describe('ovs serve', () => {
  it('serves the API until a stop signal, then closes', async () => {
    let stop: ((signal: string) => void) | undefined;
    const running = ovs(['serve', '--port', '0', '--log-level', 'silent', '--no-builtin-models'], {
      onStopSignal: (deliver) => (stop = deliver),
    });
    await expect.poll(() => stop, { timeout: 10_000 }).toBeDefined();
    // The URL is printed before the command waits for a signal.
    const result = await Promise.race([running, new Promise<undefined>((r) => setTimeout(r, 50))]);
    expect(result).toBeUndefined();
    stop!('SIGINT');
    const { code, stderr } = await running;
    const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stderr).toContain('SIGINT: stopping');
    expect(code).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('answers while running', async () => {
    let stop: ((signal: string) => void) | undefined;
    let stderrSoFar = '';
    const running = ovs(['serve', '--port', '0', '--log-level', 'silent', '--no-builtin-models'], {
      onStopSignal: (deliver) => (stop = deliver),
      onStderr: (text) => (stderrSoFar += text),
    });
    await expect.poll(() => stop, { timeout: 10_000 }).toBeDefined();
    const url = /listening on (http:\/\/\S+)/.exec(stderrSoFar)![1]!;
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { object: string };
    expect(models.object).toBe('list');
    stop!('SIGTERM');
    expect((await running).code).toBe(0);
  });

  it('refuses a public address without an API key, with the fix', async () => {
    const { code, stderr } = await ovs(['serve', '--host', '0.0.0.0', '--log-level', 'silent', '--no-builtin-models']);
    expect(code).toBe(1);
    expect(stderr).toContain('OVS_API_KEYS');
  });

  it('reports a bad config file and a bad --upstream as usage problems, not crashes', async () => {
    const missing = await ovs(['serve', '--config', '/nonexistent/ovs.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read config file /nonexistent/ovs.json');
    const upstream = await ovs(['serve', '--upstream', 'nonsense']);
    expect(upstream.code).toBe(1);
    expect(upstream.stderr).toContain('expected ID=MODEL@BASE_URL');
  });

  it('refuses a media root that does not exist, naming the flag', async () => {
    const { code, stderr } = await ovs(['serve', '--port', '0', '--media-root', '/nonexistent', '--log-level', 'silent', '--no-builtin-models']);
    expect(code).toBe(1);
    expect(stderr).toContain('--media-root');
    expect(stderr).toContain('"/nonexistent" does not exist');
    expect(stderr).not.toContain('listening on');
  });

  it('shows --upstream in the help without a "(default: [])"', async () => {
    const { code, stdout } = await ovs(['serve', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--upstream <ID=MODEL@BASE_URL>');
    expect(stdout).not.toContain('(default: [])');
  });

  it('rejects a bad port', async () => {
    const { code, stderr } = await ovs(['serve', '--port', '70000']);
    expect(code).toBe(2);
    expect(stderr).toContain('expected a port number from 0 to 65535');
  });
});
