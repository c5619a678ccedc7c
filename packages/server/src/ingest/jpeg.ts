/**
 * Just enough of the JPEG format to split an MJPEG byte stream into frames and to read a
 * frame's size from its SOF header without decoding it.
 */

export interface JpegSize {
  readonly width: number;
  readonly height: number;
}

const MARKER = 0xff;
const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/** Markers that stand alone (no length field): TEM, RST0-7, SOI, EOI. */
export function isStandaloneMarker(code: number): boolean {
  return code === 0x01 || (code >= 0xd0 && code <= 0xd9);
}

/** SOF0-SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
function isStartOfFrame(code: number): boolean {
  return code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc;
}

/**
 * Reads width and height from the first SOF segment, walking the marker segments from SOI.
 * Returns undefined when the bytes are not a JPEG or the header is truncated or corrupt.
 */
export function readJpegSize(jpeg: Uint8Array): JpegSize | undefined {
  if (jpeg.length < 4 || jpeg[0] !== MARKER || jpeg[1] !== SOI) return undefined;
  let pos = 2;
  while (pos + 4 <= jpeg.length) {
    if (jpeg[pos] !== MARKER) return undefined;
    const code = jpeg[pos + 1]!;
    if (code === MARKER) {
      pos += 1; // fill byte before a marker
      continue;
    }
    if (isStandaloneMarker(code)) {
      pos += 2;
      continue;
    }
    if (code === SOS) return undefined; // scan data before any SOF: not a valid frame
    const length = (jpeg[pos + 2]! << 8) | jpeg[pos + 3]!;
    if (length < 2) return undefined;
    if (isStartOfFrame(code)) {
      if (pos + 9 > jpeg.length) return undefined;
      const height = (jpeg[pos + 5]! << 8) | jpeg[pos + 6]!;
      const width = (jpeg[pos + 7]! << 8) | jpeg[pos + 8]!;
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    pos += 2 + length;
  }
  return undefined;
}

/** True when the buffer starts with SOI and ends with EOI (a complete JPEG, as far as cheaply knowable). */
export function isCompleteJpeg(jpeg: Uint8Array): boolean {
  const n = jpeg.length;
  return n >= 4 && jpeg[0] === MARKER && jpeg[1] === SOI && jpeg[n - 2] === MARKER && jpeg[n - 1] === EOI;
}

export const JPEG_MARKERS = { MARKER, SOI, EOI, SOS } as const;
