import { open, type Investigation } from '@logsift/api';
import type { RunPlan, ScenarioContext } from './scenario.js';

/** A scenario context over a plan: investigations are opened on first use and shared. */
export function createContext(plan: RunPlan): ScenarioContext & { close(): void } {
  const opened = new Map<string, Promise<Investigation>>();
  return {
    ...plan,
    investigation(format) {
      let inv = opened.get(format);
      if (!inv) {
        inv = open(plan.data.files[format].path);
        opened.set(format, inv);
      }
      return inv;
    },
    close() {
      for (const inv of opened.values()) void inv.then((i) => i.close(), () => {});
      opened.clear();
    },
  };
}
