// Runs one scenario once in a fresh process and prints its memory figures as one JSON line:
//   node --expose-gc dist/scenario-child.js <scenario> <scale> <plan.json>
import { Unavailable } from './api-surface.js';
import { createContext } from './context.js';
import { collectGarbage, snapshot } from './memory.js';
import { measureOnce, printChildResult, readPlan } from './peak-memory.js';
import { SkipScenario, type RunPlan } from './scenario.js';
import { findScenario } from './scenarios/registry.js';

const [name, scale, planPath] = process.argv.slice(2);
if (!name || !scale || !planPath) {
  process.stderr.write('usage: scenario-child <scenario> <scale> <plan.json>\n');
  process.exit(2);
}
const scenario = findScenario(name);
const plan = readPlan<RunPlan>(planPath);
try {
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  if (plan.scale !== scale) throw new Error(`plan is for scale ${plan.scale}, not ${scale}`);
  collectGarbage();
  const before = snapshot();
  const ctx = createContext(plan);
  const prepared = await scenario.setup(ctx);
  const memory = await measureOnce(prepared, before);
  await prepared.teardown?.();
  ctx.close();
  printChildResult({ memory });
} catch (error) {
  if (error instanceof Unavailable || error instanceof SkipScenario) printChildResult({ skipped: error.message });
  else printChildResult({ error: error instanceof Error ? error.message : String(error) });
}
process.exit(0);
