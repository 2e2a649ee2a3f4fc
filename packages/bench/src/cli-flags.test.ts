import { describe, expect, it } from 'vitest';
import { adaptSettings } from './runner.js';
import { listsFlag } from './scenarios/cli.js';

describe('listsFlag', () => {
  const help = 'Options:\n  --json        force JSON\n  --no-color    no colours\n  -q, --query <text>  query\n';
  it('finds a listed flag and not a prefix or a negated form', () => {
    expect(listsFlag(help, '--json')).toBe(true);
    expect(listsFlag(help, '--query')).toBe(true);
    expect(listsFlag(help, '--js')).toBe(false);
    expect(listsFlag(help, '--color')).toBe(false);
  });
});

describe('adaptSettings', () => {
  const s = { warmupRuns: 3, minRuns: 10, timeMs: 500 };
  it('keeps the settings when the runs fit the budget', () => {
    expect(adaptSettings(s, 100, 20_000)).toBe(s);
  });
  it('cuts a slow scenario to one warm-up and at least 5 runs', () => {
    expect(adaptSettings(s, 2_000, 20_000)).toEqual({ warmupRuns: 1, minRuns: 9, timeMs: 0 });
    expect(adaptSettings(s, 10_000, 20_000)).toEqual({ warmupRuns: 1, minRuns: 5, timeMs: 0 });
  });
});
