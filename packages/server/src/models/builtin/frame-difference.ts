/**
 * Motion between two small grey thumbnails of the same scene: how much of the picture changed,
 * and where. Pure arithmetic on raw pixels; decoding is the caller's business.
 *
 * A pixel has changed when its difference, after scaling the later picture to the mean brightness
 * of the earlier one (a camera's exposure or gain drifting is not motion; on gamma-encoded
 * pixels it is close to a factor), exceeds PIXEL_THRESHOLD. The
 * picture is cut into GRID_COLUMNS x GRID_ROWS cells; a cell has changed when at least
 * CELL_SHARE of its pixels have, which ignores scattered noise. The score is the share of the
 * picture in changed cells that changed, scaled so that SATURATION of the picture changing
 * scores 1.
 */

export const THUMBNAIL_WIDTH = 128;
export const THUMBNAIL_HEIGHT = 72;
const GRID_COLUMNS = 16;
const GRID_ROWS = 9;
const PIXEL_THRESHOLD = 20;
const CELL_SHARE = 0.25;
const SATURATION = 0.02;

const CELL_WIDTH = THUMBNAIL_WIDTH / GRID_COLUMNS;
const CELL_HEIGHT = THUMBNAIL_HEIGHT / GRID_ROWS;

export interface FrameDifference {
  /** 0 (nothing moved) .. 1 (SATURATION or more of the picture changed). */
  readonly score: number;
  /** Share of the picture that changed, 0..1. */
  readonly changedShare: number;
  /** Mean absolute difference of brightness, 0..1 of full scale, before exposure compensation. */
  readonly meanDifference: number;
  /** Bounding box of the changed cells, normalised `[x, y, w, h]`; absent when none changed. */
  readonly box?: readonly [number, number, number, number];
}

function mean(pixels: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < pixels.length; i += 1) sum += pixels[i] as number;
  return sum / pixels.length;
}

/** Compares two grey thumbnails of THUMBNAIL_WIDTH x THUMBNAIL_HEIGHT, one byte per pixel. */
export function frameDifference(before: Uint8Array, after: Uint8Array): FrameDifference {
  const size = THUMBNAIL_WIDTH * THUMBNAIL_HEIGHT;
  if (before.length !== size || after.length !== size) {
    throw new Error(`frameDifference needs two ${THUMBNAIL_WIDTH}x${THUMBNAIL_HEIGHT} grey thumbnails`);
  }
  const meanAfter = mean(after);
  const gain = meanAfter > 0 ? mean(before) / meanAfter : 1;
  const changedPerCell = new Uint16Array(GRID_COLUMNS * GRID_ROWS);
  let absoluteSum = 0;
  for (let y = 0; y < THUMBNAIL_HEIGHT; y += 1) {
    const rowCell = Math.floor(y / CELL_HEIGHT) * GRID_COLUMNS;
    for (let x = 0; x < THUMBNAIL_WIDTH; x += 1) {
      const i = y * THUMBNAIL_WIDTH + x;
      const [earlier, later] = [before[i] as number, after[i] as number];
      absoluteSum += Math.abs(later - earlier);
      if (Math.abs(later * gain - earlier) > PIXEL_THRESHOLD) {
        const cell = rowCell + Math.floor(x / CELL_WIDTH);
        changedPerCell[cell] = (changedPerCell[cell] as number) + 1;
      }
    }
  }

  const cellMinimum = CELL_SHARE * CELL_WIDTH * CELL_HEIGHT;
  let changedPixels = 0;
  let [left, top, right, bottom] = [GRID_COLUMNS, GRID_ROWS, -1, -1];
  for (let row = 0; row < GRID_ROWS; row += 1) {
    for (let column = 0; column < GRID_COLUMNS; column += 1) {
      const changed = changedPerCell[row * GRID_COLUMNS + column] as number;
      if (changed < cellMinimum) continue;
      changedPixels += changed;
      left = Math.min(left, column);
      right = Math.max(right, column);
      top = Math.min(top, row);
      bottom = Math.max(bottom, row);
    }
  }

  const changedShare = changedPixels / size;
  const difference = {
    score: Math.min(1, changedShare / SATURATION),
    changedShare,
    meanDifference: absoluteSum / size / 255,
  };
  if (right < 0) return difference;
  return {
    ...difference,
    box: [
      left / GRID_COLUMNS,
      top / GRID_ROWS,
      (right - left + 1) / GRID_COLUMNS,
      (bottom - top + 1) / GRID_ROWS,
    ],
  };
}
