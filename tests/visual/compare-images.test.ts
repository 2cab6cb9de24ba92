import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { compareImages } from './compare-images';

/** A white PNG with black pixels where `black` says (x, y). */
function png(width: number, height: number, black: Array<[number, number]> = []): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(255);
  for (const [x, y] of black) image.data.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
  return PNG.sync.write(image);
}

/** A filled square of black pixels, w×w at (x, y): a change no anti-aliasing explains. */
const square = (x: number, y: number, w: number): Array<[number, number]> => Array.from({ length: w * w }, (_, index) => [x + (index % w), y + Math.floor(index / w)]);

describe('compareImages', () => {
  it('finds two identical screenshots the same', () => {
    expect(compareImages(png(40, 30, square(5, 5, 4)), png(40, 30, square(5, 5, 4)))).toEqual({ same: true, differentPixels: 0 });
  });

  it('tolerates up to maxDifferentPixels different pixels, and counts them', () => {
    const result = compareImages(png(40, 30), png(40, 30, square(10, 10, 3)), { threshold: 0.1, maxDifferentPixels: 9 });
    expect(result).toEqual({ same: true, differentPixels: 9 });
  });

  it('refuses one pixel more, with a diff image of the same size and a message saying how many', () => {
    const result = compareImages(png(40, 30), png(40, 30, square(10, 10, 4)), { threshold: 0.1, maxDifferentPixels: 9 });
    expect(result.same).toBe(false);
    if (result.same || result.reason !== 'pixels') throw new Error('expected a difference in pixels');
    expect(result.differentPixels).toBe(16);
    expect(result.message).toBe('16 pixels differ (9 allowed)');
    const diff = PNG.sync.read(result.diff);
    expect([diff.width, diff.height]).toEqual([40, 30]);
    // the different pixels are painted red in the diff
    const offset = (11 * 40 + 11) * 4;
    expect([...diff.data.subarray(offset, offset + 3)]).toEqual([255, 0, 0]);
  });

  it('counts a change of colour below the threshold as none', () => {
    const light = new PNG({ width: 10, height: 10 });
    light.data.fill(255);
    const lighter = new PNG({ width: 10, height: 10 });
    lighter.data.fill(254);
    lighter.data.forEach((_, index) => index % 4 === 3 && (lighter.data[index] = 255));
    expect(compareImages(PNG.sync.write(light), PNG.sync.write(lighter), { threshold: 0.1, maxDifferentPixels: 0 })).toEqual({ same: true, differentPixels: 0 });
  });

  it('refuses a screenshot whose size changed, saying from what to what', () => {
    expect(compareImages(png(40, 30), png(40, 31))).toEqual({ same: false, reason: 'size', message: 'the size changed from 40×30 to 40×31' });
  });
});
