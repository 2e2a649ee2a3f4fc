import type { CorrelationRule } from './correlation-rules.js';
import { LogsiftError } from './errors.js';
import { open } from './open.js';
import { configError, formatConfigFiles, readConfigFile, type FormatConfigOptions } from './saved-formats.js';

/**
 * Correlation rules saved in `logsift.config.json`, beside the saved formats: a `rules`
 * section holding what `--rules` takes (a list of rules), so a config file is also a rules
 * file. The project's section replaces the user's (a rule set is one union-find: rules are
 * not merged across files). The CLI uses them for every command that takes rules when no
 * `--rules` is given.
 */
export interface ConfigRules {
  /** The config file they come from, and whether that is the project's or the user's. */
  file: string;
  scope: 'project' | 'user';
  rules: CorrelationRule[];
}

/** The `rules` section of one config file as written (undefined when it has none); only its shape is checked here. */
export function readRulesConfig(file: string): CorrelationRule[] | undefined {
  const rules = readConfigFile(file)['rules'];
  if (rules === undefined) return undefined;
  if (!Array.isArray(rules)) throw configError(file, 'rules', "'rules' must be a list of correlation rules (as --rules takes)");
  return rules as CorrelationRule[];
}

/**
 * Has the engine check a config file's rules (the parser that will use them, so what
 * validates is what runs): INVALID_CONFIG naming the file and the rule (`rules[2]`).
 */
export async function checkConfigRules(file: string, rules: CorrelationRule[]): Promise<void> {
  const inv = await open('rules.check', { data: Buffer.from('\n'), cache: false });
  try {
    await inv.ids({ kind: 'virtual', rules });
  } catch (error) {
    if (!LogsiftError.isInstance(error) || !error.location?.startsWith('rules')) throw error;
    throw configError(file, error.location, error.message);
  } finally {
    inv.close();
  }
}

/** The correlation rules of the config files (project first, then user), checked by the engine; undefined when none has a `rules` section. */
export async function configRules(options: FormatConfigOptions = {}): Promise<ConfigRules | undefined> {
  // formatConfigFiles lists the user's file first: the last with rules wins.
  let found: ConfigRules | undefined;
  for (const { file, scope } of formatConfigFiles(options)) {
    const rules = readRulesConfig(file);
    if (rules) found = { file, scope, rules };
  }
  if (found) await checkConfigRules(found.file, found.rules);
  return found;
}
