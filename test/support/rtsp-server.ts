/**
 * A minimal RTSP server for tests, since ffmpeg cannot serve RTSP to a pulling client: ffmpeg
 * encodes a live test pattern to RTP over UDP (and writes the SDP), and this server answers
 * OPTIONS/DESCRIBE/SETUP/PLAY/TEARDOWN and relays the RTP packets to each playing client,
 * interleaved on its RTSP TCP connection (RTP/AVP/TCP, as the ingest asks for).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { waitFor } from './wait.js';

export interface RtspTestServer {
  /** e.g. `rtsp://127.0.0.1:5554/live` */
  readonly url: string;
  readonly port: number;
  /** Drops every client and stops accepting connections (the camera "dies"). */
  stopListening(): Promise<void>;
  /** Accepts connections again on the same port. */
  listen(): Promise<void>;
  close(): Promise<void>;
}

async function udpSocket(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

export async function startRtspServer(dir: string, options: { width?: number; height?: number; fps?: number; port?: number } = {}): Promise<RtspTestServer> {
  const { width = 320, height = 240, fps = 10 } = options;
  const rtp = await udpSocket();
  const rtcp = await udpSocket();
  const sdpFile = path.join(dir, `rtsp-${rtp.address().port}.sdp`);
  const encoder: ChildProcess = spawn(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
      '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=${fps}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(fps), '-pix_fmt', 'yuv420p',
      '-f', 'rtp', '-sdp_file', sdpFile, `rtp://127.0.0.1:${rtp.address().port}?rtcpport=${rtcp.address().port}&pkt_size=1200`,
    ],
    { stdio: 'ignore' },
  );
  const sdp = await waitFor('the RTP encoder to write its SDP', () => {
    try {
      const text = readFileSync(sdpFile, 'utf8');
      return text.includes('m=video') ? text : undefined;
    } catch {
      return undefined;
    }
  });

  const playing = new Set<Socket>();
  const connections = new Set<Socket>();
  rtp.on('message', (packet) => {
    const header = Buffer.from([0x24, 0, packet.length >> 8, packet.length & 0xff]);
    for (const client of playing) client.write(Buffer.concat([header, packet]));
  });

  let server: Server | undefined;
  let port = options.port ?? 0;
  const describe = () =>
    sdp
      .replace(/^m=video \d+/m, 'm=video 0')
      .replace(/^c=IN IP4 .*$/m, 'c=IN IP4 0.0.0.0')
      .trimEnd()
      .concat('\r\na=control:trackID=0\r\n');

  const handle = (socket: Socket) => {
    connections.add(socket);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const request = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        const [line = '', ...headerLines] = request.split('\r\n');
        const method = line.split(' ')[0];
        const cseq = headerLines.find((h) => /^cseq:/i.test(h))?.split(':')[1]?.trim() ?? '0';
        const reply = (extra: string[] = [], body = '') =>
          socket.write([`RTSP/1.0 200 OK`, `CSeq: ${cseq}`, ...extra, ...(body ? [`Content-Length: ${Buffer.byteLength(body)}`] : []), '', body].join('\r\n'));
        switch (method) {
          case 'OPTIONS':
            reply(['Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN']);
            break;
          case 'DESCRIBE':
            reply([`Content-Base: rtsp://127.0.0.1:${port}/live/`, 'Content-Type: application/sdp'], describe());
            break;
          case 'SETUP':
            reply(['Transport: RTP/AVP/TCP;unicast;interleaved=0-1', 'Session: 12345678;timeout=60']);
            break;
          case 'PLAY':
            reply(['Session: 12345678', 'Range: npt=0.000-']);
            playing.add(socket);
            break;
          case 'TEARDOWN':
            reply(['Session: 12345678']);
            socket.end();
            break;
          default:
            socket.write(`RTSP/1.0 405 Method Not Allowed\r\nCSeq: ${cseq}\r\n\r\n`);
        }
      }
    });
    const forget = () => {
      playing.delete(socket);
      connections.delete(socket);
    };
    socket.on('close', forget);
    socket.on('error', forget);
  };

  const listen = async () => {
    server = createServer(handle);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  };
  const stopListening = async () => {
    for (const socket of connections) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  };
  await listen();

  return {
    get url() {
      return `rtsp://127.0.0.1:${port}/live`;
    },
    get port() {
      return port;
    },
    stopListening,
    listen,
    async close() {
      await stopListening();
      encoder.kill('SIGKILL');
      rtp.close();
      rtcp.close();
    },
  };
}
