import { describe, expect, it } from 'vitest';
import { anonBudget, GZ_BYTES } from './scenarios/gzip-memory.js';

describe('index.open-gzip-big sizes', () => {
  it('asks for 2 GiB decompressed at large and grows with the scale', () => {
    // A 32-bit shift once made the large size negative and the scenario asked the generator for -7M entries.
    expect(GZ_BYTES.large).toBe(2 * 1024 ** 3);
    expect(GZ_BYTES.small).toBeGreaterThan(0);
    expect(GZ_BYTES.medium).toBeGreaterThan(GZ_BYTES.small);
    expect(GZ_BYTES.large).toBeGreaterThan(GZ_BYTES.medium);
  });
  it('budgets 64 B per entry plus 64 MiB', () => {
    expect(anonBudget(0)).toBe(64 * 1024 * 1024);
    expect(anonBudget(7_000_000)).toBe(448_000_000 + 64 * 1024 * 1024);
  });
});
