import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

/**
 * How different two screenshots may be and still count as the same. A pixel counts as different
 * past pixelmatch's colour threshold (0 to 1; anti-aliased edges are told apart and never count);
 * the screenshot differs when more than `maxDifferentPixels` do. The default absorbs a stray pixel
 * or two, not a changed character: one digit of a timestamp is 30 to 60 pixels.
 */
export interface Tolerance {
  threshold: number;
  maxDifferentPixels: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { threshold: 0.1, maxDifferentPixels: 10 };

export type Comparison =
  | { same: true; differentPixels: number }
  | { same: false; reason: 'size'; message: string }
  | { same: false; reason: 'pixels'; differentPixels: number; allowed: number; message: string; diff: Buffer };

/** Compares two PNG files' contents; the diff image paints the different pixels red over a faded baseline. */
export function compareImages(baseline: Buffer, actual: Buffer, tolerance: Tolerance = DEFAULT_TOLERANCE): Comparison {
  const expected = PNG.sync.read(baseline);
  const received = PNG.sync.read(actual);
  if (expected.width !== received.width || expected.height !== received.height) {
    return { same: false, reason: 'size', message: `the size changed from ${expected.width}×${expected.height} to ${received.width}×${received.height}` };
  }
  const { width, height } = expected;
  const diff = new PNG({ width, height });
  const differentPixels = pixelmatch(expected.data, received.data, diff.data, width, height, { threshold: tolerance.threshold });
  const allowed = tolerance.maxDifferentPixels;
  if (differentPixels <= allowed) return { same: true, differentPixels };
  return {
    same: false,
    reason: 'pixels',
    differentPixels,
    allowed,
    message: `${differentPixels} pixels differ (${allowed} allowed)`,
    diff: PNG.sync.write(diff),
  };
}
