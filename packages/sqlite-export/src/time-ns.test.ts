import { describe, expect, it } from 'vitest';
import { timeToNs } from './time-ns.js';

describe('timeToNs', () => {
  it('gives exact nanoseconds as integer text', () => {
    expect(timeToNs('2024-01-01T00:00:00.007001000Z', 1)).toBe('1704067200007001000');
    expect(timeToNs('2024-01-01T00:00:00.123456789Z', 1)).toBe('1704067200123456789');
    expect(timeToNs('2024-01-01T00:00:01Z', 1)).toBe('1704067201000000000');
    expect(timeToNs('2024-01-01T00:00:01.5Z', 1)).toBe('1704067201500000000');
    expect(timeToNs('1970-01-01T00:00:00Z', 1)).toBe('0');
    expect(timeToNs('1970-01-01T00:00:01.000000001Z', 1)).toBe('1000000001');
  });
  it('falls back to the number for other shapes', () => {
    expect(timeToNs('1969-12-31T23:59:59Z', -1e9)).toBe(-1e9);
    expect(timeToNs('2024-01-01T00:00:00+02:00', 7)).toBe(7);
    expect(timeToNs('2024-01-01T00:00:00.12x4Z', 7)).toBe(7);
    expect(timeToNs('garbage', undefined)).toBe(null);
  });
});
