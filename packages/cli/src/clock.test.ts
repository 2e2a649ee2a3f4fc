import { describe, expect, it } from 'vitest';
import { now } from './clock.js';

describe('now', () => {
  it('counts milliseconds on a monotonic clock', async () => {
    const a = now();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const b = now();
    expect(b - a).toBeGreaterThanOrEqual(25);
    expect(b - a).toBeLessThan(5_000);
  });
});
