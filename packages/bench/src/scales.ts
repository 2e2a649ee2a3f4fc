/** The three data sizes every scenario runs at. */
export type ScaleName = 'small' | 'medium' | 'large';

export const SCALES: Readonly<Record<ScaleName, number>> = {
  small: 10_000,
  medium: 100_000,
  large: 1_000_000,
};

export function isScale(value: string): value is ScaleName {
  return Object.hasOwn(SCALES, value);
}

/** The default generator seed: same seed, byte-identical data on every machine. */
export const DEFAULT_SEED = 42;
