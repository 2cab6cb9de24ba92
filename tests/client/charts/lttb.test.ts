import { describe, expect, it } from 'vitest';
import { lttb, type Point } from '../../../client/src/charts/lttb';

const line = (values: Array<number | null>, start = 0): Point[] => values.map((value, index) => [start + index * 1000, value]);

describe('lttb', () => {
  it('returns short series whole (a copy), and keeps first and last points of long ones', () => {
    const short = line([1, 2, 3]);
    expect(lttb(short, 10)).toEqual(short);
    expect(lttb(short, 10)).not.toBe(short);
    const long = line(Array.from({ length: 3_600 }, (_, index) => Math.sin(index / 50)));
    const sampled = lttb(long, 300);
    expect(sampled).toHaveLength(300);
    expect(sampled[0]).toEqual(long[0]);
    expect(sampled.at(-1)).toEqual(long.at(-1));
  });

  it('keeps a lone spike that averaging would flatten', () => {
    const values = Array.from({ length: 1_000 }, () => 100);
    values[517] = 5_000;
    values[802] = 0;
    const sampled = lttb(line(values), 50);
    expect(sampled.map((point) => point[1])).toContain(5_000);
    expect(sampled.map((point) => point[1])).toContain(0);
  });

  it('keeps times in order and only points of the input', () => {
    const input = line(Array.from({ length: 2_000 }, (_, index) => (index * 7919) % 101));
    const sampled = lttb(input, 120);
    const times = sampled.map((point) => point[0]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const inputs = new Map(input);
    for (const [time, value] of sampled) expect(inputs.get(time)).toBe(value);
  });

  it('keeps gaps as gaps: one null between runs, never a line drawn across', () => {
    const values: Array<number | null> = [...Array.from({ length: 500 }, () => 1), ...Array.from({ length: 100 }, () => null), ...Array.from({ length: 500 }, () => 2)];
    const sampled = lttb(line(values), 100);
    const nulls = sampled.filter((point) => point[1] === null);
    expect(nulls).toHaveLength(1);
    const gap = sampled.indexOf(nulls[0]!);
    expect(sampled.slice(0, gap).every((point) => point[1] === 1)).toBe(true);
    expect(sampled.slice(gap + 1).every((point) => point[1] === 2)).toBe(true);
    expect(sampled.length).toBeLessThanOrEqual(102);
  });
});
