/**
 * The MQTT sink against the broker people deploy, Debian's mosquitto (installed by
 * scripts/setup.sh), with password authentication on: a real subscriber receives each event with
 * QoS 1, and wrong credentials fail the delivery with the broker's reason and no password in it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/support/clips.js';
import { closedPort } from '../../../../test/support/net.js';
import { waitFor } from '../../../../test/support/wait.js';
import { RealClock } from '../clock.js';
import type { EventRecord } from '../events.js';
import { MqttSink } from './mqtt.js';

/** Debian installs it in /usr/sbin, which a user's PATH may lack. */
const MOSQUITTO = existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto';
const USER = 'ovs-alerts';
const PASSWORD = 'mqtt-secret-9f2c';
let tmp: ReturnType<typeof tempDir>;
let broker: ChildProcess;
let port: number;
let subscriber: MqttClient;
const received: Array<{ topic: string; qos: number; id: string }> = [];

beforeAll(async () => {
  tmp = tempDir('ovs-mosquitto-');
  // Started as root, mosquitto drops to its own user, which must still read its files here.
  chmodSync(tmp.dir, 0o755);
  const passwords = path.join(tmp.dir, 'passwords');
  const made = spawnSync('mosquitto_passwd', ['-b', '-c', passwords, USER, PASSWORD], { encoding: 'utf8' });
  if (made.error) throw new Error(`mosquitto_passwd could not start (${made.error.message}); run scripts/setup.sh, which installs mosquitto`);
  port = await closedPort();
  const config = path.join(tmp.dir, 'mosquitto.conf');
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous false\npassword_file ${passwords}\npersistence false\n`);
  chmodSync(passwords, 0o644);
  broker = spawn(MOSQUITTO, ['-c', config], { stdio: 'ignore' });
  const started = new Promise<never>((_, reject) => broker.once('error', (error) => reject(new Error(`mosquitto could not start (${error.message}); run scripts/setup.sh, which installs it`))));
  started.catch(() => {});
  subscriber = await Promise.race([started, waitFor('mosquitto to accept a subscriber', async () => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { username: USER, password: PASSWORD, reconnectPeriod: 0, connectTimeout: 1000 });
    client.on('error', () => {});
    const connected = await new Promise<boolean>((resolve) => {
      client.once('connect', () => resolve(true));
      client.once('close', () => resolve(false));
    });
    if (connected) return client;
    await client.endAsync(true);
    return undefined;
  })]);
  subscriber.on('message', (topic, payload, packet) => received.push({ topic, qos: packet.qos, id: JSON.parse(payload.toString()).id }));
  await subscriber.subscribeAsync('site/#', { qos: 1 });
});

afterAll(async () => {
  await subscriber?.endAsync(true);
  broker?.kill('SIGTERM');
  tmp?.remove();
});

const clock = new RealClock();
const record = (id: string): EventRecord =>
  ({ id, status: 'fired', label: 'smoke', stream: 'A', watch: 'watch:1', confidence: 0.9, at_ms: Date.now() }) as unknown as EventRecord;

describe('mqtt sink on mosquitto', () => {
  it('publishes each event with QoS 1 to the topic, authenticated', async () => {
    const sink = new MqttSink('bus', `mqtt://${USER}:${PASSWORD}@127.0.0.1:${port}/site/alerts`, clock, 5_000);
    await sink.deliver(record('e1'), new AbortController().signal);
    await sink.deliver(record('e2'), new AbortController().signal);
    await sink.close();
    await waitFor('the subscriber to receive both events', () => received.length >= 2);
    expect(received).toEqual([
      { topic: 'site/alerts', qos: 1, id: 'e1' },
      { topic: 'site/alerts', qos: 1, id: 'e2' },
    ]);
  });

  it('fails a delivery the broker refuses, saying why, without the password', async () => {
    const sink = new MqttSink('bus', `mqtt://${USER}:wrong-password@127.0.0.1:${port}/site/alerts`, clock, 1_500);
    const failure = await sink.deliver(record('e3'), new AbortController().signal).then(
      () => undefined,
      (error: Error) => error,
    );
    await sink.close();
    expect(failure?.message).toMatch(/no acknowledgement within 1500 ms \(.*Not authorized/i);
    expect(failure?.message).not.toContain('wrong-password');
    expect(received.map((r) => r.id)).not.toContain('e3');
  });
});
