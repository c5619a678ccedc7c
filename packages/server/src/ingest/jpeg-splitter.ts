import { isStandaloneMarker, JPEG_MARKERS } from './jpeg.js';

const { MARKER, SOI, EOI, SOS } = JPEG_MARKERS;

/** A frame larger than this is garbage, not a picture: drop it and look for the next SOI. */
const DEFAULT_MAX_FRAME_BYTES = 32 * 1024 * 1024;

type State =
  | 'seekSoi' // between frames
  | 'marker' // in the header, expecting the 0xFF that starts a marker
  | 'markerCode' // after 0xFF in the header
  | 'length1'
  | 'length2'
  | 'skip' // inside a segment's payload
  | 'entropy' // in entropy-coded scan data
  | 'entropyFF'; // after 0xFF in scan data

/**
 * Splits a concatenated MJPEG byte stream (ffmpeg `-f image2pipe -c:v mjpeg`) into JPEG frames.
 *
 * It walks the marker segments rather than searching for the first FF D9, so an EOI inside a
 * segment payload (e.g. an EXIF thumbnail) does not cut a frame short. Markers may be split
 * across chunks. A frame's bytes are kept as slices of the incoming chunks and copied once
 * when the frame completes, so the cost is linear in the bytes received.
 */
export class JpegSplitter {
  private state: State = 'seekSoi';
  private pendingFF = false; // seekSoi: the previous chunk ended on 0xFF
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private segmentCode = 0;
  private segmentRemaining = 0;

  constructor(
    private readonly onFrame: (jpeg: Buffer) => void,
    private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    let frameStart = this.state === 'seekSoi' ? -1 : 0; // where this chunk's part of the frame begins
    const end = chunk.length;
    while (pos < end) {
      switch (this.state) {
        case 'seekSoi': {
          if (this.pendingFF) {
            this.pendingFF = false;
            if (chunk[pos] === SOI) {
              this.parts.push(Buffer.from([MARKER]));
              this.partsBytes = 1;
              frameStart = pos;
              pos += 1;
              this.state = 'marker';
              break;
            }
          }
          const ff = chunk.indexOf(MARKER, pos);
          if (ff === -1 || ff === end - 1) {
            this.pendingFF = ff === end - 1;
            pos = end;
            break;
          }
          if (chunk[ff + 1] === SOI) {
            frameStart = ff;
            this.state = 'marker';
            pos = ff + 2;
          } else {
            pos = ff + 1;
          }
          break;
        }
        case 'marker':
          if (chunk[pos] !== MARKER) {
            frameStart = this.dropFrame();
            break; // re-examine this byte while seeking the next SOI
          }
          this.state = 'markerCode';
          pos += 1;
          break;
        case 'markerCode': {
          const code = chunk[pos]!;
          pos += 1;
          if (code === MARKER) break; // fill byte
          if (code === SOI) {
            frameStart = this.restartAt(chunk, pos - 1);
          } else if (code === EOI) {
            frameStart = this.emit(chunk, frameStart, pos);
          } else if (isStandaloneMarker(code)) {
            this.state = 'marker';
          } else {
            this.segmentCode = code;
            this.state = 'length1';
          }
          break;
        }
        case 'length1':
          this.segmentRemaining = chunk[pos]! << 8;
          this.state = 'length2';
          pos += 1;
          break;
        case 'length2': {
          const length = this.segmentRemaining | chunk[pos]!;
          pos += 1;
          if (length < 2) {
            frameStart = this.dropFrame();
            break;
          }
          this.segmentRemaining = length - 2;
          this.state = 'skip';
          if (this.segmentRemaining === 0) this.afterSegment();
          break;
        }
        case 'skip': {
          const n = Math.min(this.segmentRemaining, end - pos);
          pos += n;
          this.segmentRemaining -= n;
          if (this.segmentRemaining === 0) this.afterSegment();
          break;
        }
        case 'entropy': {
          const ff = chunk.indexOf(MARKER, pos);
          if (ff === -1) {
            pos = end;
          } else {
            pos = ff + 1;
            this.state = 'entropyFF';
          }
          break;
        }
        case 'entropyFF': {
          const code = chunk[pos]!;
          pos += 1;
          if (code === 0x00 || (code >= 0xd0 && code <= 0xd7)) {
            this.state = 'entropy'; // stuffed byte or restart marker: still scan data
          } else if (code === MARKER) {
            // fill byte: stay
          } else if (code === EOI) {
            frameStart = this.emit(chunk, frameStart, pos);
          } else if (code === SOI) {
            frameStart = this.restartAt(chunk, pos - 1);
          } else {
            this.segmentCode = code; // another segment (progressive JPEG: DHT, SOS, ...)
            this.state = 'length1';
          }
          break;
        }
      }
      if (frameStart !== -1 && this.state !== 'seekSoi' && this.partsBytes + (pos - frameStart) > this.maxFrameBytes) {
        frameStart = this.dropFrame();
      }
    }
    if (frameStart !== -1 && this.state !== 'seekSoi' && frameStart < end) {
      this.parts.push(chunk.subarray(frameStart));
      this.partsBytes += end - frameStart;
    }
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.partsBytes;
  }

  /** Forgets any incomplete frame (e.g. when the source process restarts). */
  reset(): void {
    this.state = 'seekSoi';
    this.pendingFF = false;
    this.parts = [];
    this.partsBytes = 0;
  }

  private afterSegment(): void {
    this.state = this.segmentCode === SOS ? 'entropy' : 'marker';
  }

  private emit(chunk: Buffer, frameStart: number, endExclusive: number): number {
    this.parts.push(chunk.subarray(frameStart, endExclusive));
    const frame = Buffer.concat(this.parts, this.partsBytes + (endExclusive - frameStart));
    this.parts = [];
    this.partsBytes = 0;
    this.state = 'seekSoi';
    this.onFrame(frame);
    return -1;
  }

  /**
   * An SOI where a marker or scan data was expected: the frame before it was truncated (the
   * source restarted mid-frame). Drops it and starts a new frame at this SOI, whose code byte
   * is at `soiCodeAt` (its 0xFF may have ended the previous chunk).
   */
  private restartAt(chunk: Buffer, soiCodeAt: number): number {
    this.state = 'marker';
    if (soiCodeAt >= 1) {
      this.parts = [];
      this.partsBytes = 0;
      return soiCodeAt - 1;
    }
    this.parts = [Buffer.from([MARKER])];
    this.partsBytes = 1;
    return soiCodeAt;
  }

  private dropFrame(): number {
    this.parts = [];
    this.partsBytes = 0;
    this.state = 'seekSoi';
    return -1;
  }
}
