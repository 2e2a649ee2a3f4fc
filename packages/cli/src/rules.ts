import { readFileSync } from 'node:fs';
import { configRules, type CorrelationRule } from '@logsift/api';
import { CliError } from './envelope.js';
import type { FlagDef, Options } from './spec.js';

/**
 * `--rules`: correlation rules for every command taking an id (follow, timeline, hierarchy,
 * ids, bottlenecks, error-flow, export-trace, compare), as inline JSON (an MCP client has no
 * file to point at) or a JSON file: a list of rules or `{"rules": [...]}`. Without it, the
 * `rules` section of logsift.config.json (api `configRules`). The engine checks each rule and
 * answers INVALID_OPTION (INVALID_CONFIG naming the file, for the config's) with what is wrong.
 */
export const RULES_FLAG: FlagDef = {
  name: 'rules',
  type: 'string',
  // An id option (shared, described once over MCP), not a query flag: it scopes nothing.
  group: 'id',
  valueName: 'json|file',
  description: 'correlation rules (JSON or a JSON file; default: logsift.config.json rules): [{"type":"field_match","fields":["job_id","job"]},{"type":"temporal","withinMs":200}]; their virtual ids are accepted as ids',
};

/** `--rules` as the api option, else the config file's rules, else none. */
export async function rulesOption(options: Options): Promise<{ rules?: CorrelationRule[] }> {
  const v = options['rules'];
  if (typeof v !== 'string') {
    const saved = await configRules();
    return saved ? { rules: saved.rules } : {};
  }
  const inline = /^\s*[[{]/.test(v);
  let text = v;
  if (!inline) {
    try {
      text = readFileSync(v, 'utf8');
    } catch (e) {
      throw new CliError('USAGE', `cannot read the rules file ${v}: ${(e as Error).message}`, 'give a JSON file or the rules as inline JSON', 'rules');
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new CliError('USAGE', `the rules ${inline ? '' : `in ${v} `}are not JSON: ${(e as Error).message}`, 'a list of rules, or {"rules": [...]}', 'rules');
  }
  const list = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && 'rules' in parsed ? (parsed as { rules: unknown }).rules : parsed;
  // The engine validates the rules themselves (types, fields, withinMs) with a typed error.
  return { rules: list as CorrelationRule[] };
}
