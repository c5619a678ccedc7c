import { describe, expect, it } from 'vitest';
import { diagnose } from './rule-harness.js';

describe('OVS1023 sink-target', () => {
  it('accepts webhook, file and mqtt targets', () => {
    const text = 'sink a = webhook "http://127.0.0.1:9000/hook"\nsink b = file "events.jsonl"\nsink c = mqtt "mqtt://127.0.0.1:1883/ovs/events"';
    expect(diagnose(text, 'OVS1023')).toEqual([]);
  });

  it('rejects a webhook that is not http(s)', () => {
    expect(diagnose('sink a = webhook "ftp://x.test/hook"', 'OVS1023')).toEqual([
      { at: '1:18-1:37', severity: 'error', code: 'OVS1023', message: '"ftp://x.test/hook" is not an http(s) URL', hint: 'write e.g. webhook "https://example.com/hook"' },
    ]);
  });

  it('needs an mqtt URL with a topic', () => {
    expect(diagnose('sink a = mqtt "127.0.0.1:1883"', 'OVS1023').map((d) => d.message)).toEqual(['"127.0.0.1:1883" is not an MQTT URL']);
    expect(diagnose('sink a = mqtt "mqtt://127.0.0.1:1883/"', 'OVS1023')[0]?.hint).toBe('add it after the host: "mqtt://127.0.0.1:1883/ovs/events"');
  });
});
