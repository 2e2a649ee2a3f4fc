import { InvalidArgumentError } from 'commander';

/** A commander argument parser for an integer ≥ `min`; anything else is a usage error naming the flag. */
export function positiveInt(name: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}`);
    return n;
  };
}
