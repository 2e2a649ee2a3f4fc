import { writeFileSync } from 'node:fs';
import { sessions, type SessionListItem, type SessionQuestion, type SessionState } from '@logsift/api';
import { CliError, EXIT } from '../envelope.js';
import { execute } from '../execute.js';
import { parseWords } from '../flag-options.js';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, outFlag } from '../flags.js';
import { colors, formatCount, table } from '../render.js';
import { givenSourceFlags, openSources } from '../sources.js';
import { optionKey, printsEnvelope, type CommandDef, type Options, type RenderContext } from '../spec.js';

const ACTIONS = ['new', 'list', 'show', 'note', 'undo', 'ask', 'conclude', 'report'] as const;
type Action = (typeof ACTIONS)[number];

/** A command `ask` may run: it reads the session's sources and answers with an envelope. */
function askable(def: CommandDef): boolean {
  return def.name !== 'session' && def.args.some((a) => a.name === 'sources') && printsEnvelope(def, {}) && def.mcp !== false;
}

function need(value: string | undefined, what: string, action: Action): string {
  if (!value) throw new CliError('USAGE', `session ${action} needs ${what}`, `logsift session ${action} ${what === 'a name' ? 'NAME' : 'NAME ...'}`);
  return value;
}

/**
 * `logsift session new|list|show|note|ask|conclude|report`: a named investigation saved in
 * the user's data directory (api `sessions`), resumable by any later process. `ask` runs
 * another command against the session's sources through the same `execute` as the CLI and
 * records the question with its summary.
 */
export function sessionCommand(commands: () => CommandDef[]): CommandDef {
  return {
    name: 'session',
    summary: 'A saved investigation: its sources, the questions asked with their answers, notes and a conclusion.',
    description:
      'Sessions live in $LOGSIFT_SESSIONS_DIR, else $XDG_DATA_HOME/logsift/sessions, else ~/.local/share/logsift/sessions, one append-only journal per session (safe for concurrent appends). ' +
      'new NAME SOURCES... [source flags] | list | show NAME | note NAME TEXT... | undo NAME [N] (takes note N, default the last, back) | ask NAME COMMAND [its flags] (runs it on the session sources and records it) | conclude NAME TEXT... | report NAME (Markdown on a terminal or with -o FILE.md, JSON otherwise).',
    args: [
      { name: 'action', description: ACTIONS.join('|'), required: true },
      { name: 'name', description: 'session name', required: false },
      { name: 'words', description: 'new: sources; note: text; ask: command, flags', variadic: true, required: false },
    ],
    flags: [
      { name: 'title', type: 'string', group: 'command', valueName: 'text', description: 'new: a title for the report', cliOnly: true },
      { ...outFlag('file', 'report: write it to this file (Markdown, or JSON for a .json name)'), cliOnly: true },
      ...OUTPUT_FLAGS,
    ],
    passThrough: true,
    writesFile: true,
    examples: [
      { cmd: 'logsift session new checkout-outage logs/ --title "Checkout 502s"', what: 'start an investigation of these sources' },
      { cmd: "logsift session ask checkout-outage search -q 'level>=error service:checkout' -n 5", what: 'ask a question; it is recorded with its summary' },
      { cmd: 'logsift session note checkout-outage "pool exhausted at 14:02, before the 502s"', what: 'write down a finding' },
      { cmd: 'logsift session undo checkout-outage', what: 'take the last note back (or note N: undo NAME N)' },
      { cmd: 'logsift session conclude checkout-outage "db pool too small for the retry storm"', what: 'close with a conclusion' },
      { cmd: 'logsift session report checkout-outage -o report.md', what: 'the report as Markdown' },
    ],
    use: 'Use to keep an investigation (questions, notes) across calls.',
    uses: ['sessions.create', 'sessions.open', 'sessions.list', 'InvestigationSession'],
    run: async (ctx) => {
      const [rawAction, name, ...words] = ctx.args;
      if (!(ACTIONS as readonly string[]).includes(rawAction ?? '')) {
        throw new CliError('USAGE', `unknown session action '${rawAction ?? ''}'`, `use one of: ${ACTIONS.join(', ')}`);
      }
      const action = rawAction as Action;
      const o = ctx.options;
      if (o['title'] !== undefined && action !== 'new') throw new CliError('USAGE', '--title goes with session new', 'drop --title');
      if (o['out'] !== undefined && action !== 'report') throw new CliError('USAGE', '--out goes with session report', 'drop --out');
      if ((words.length > 0 && ['list', 'show', 'report'].includes(action)) || (name && action === 'list') || (action === 'undo' && words.length > 1)) {
        throw new CliError('USAGE', `session ${action} takes ${action === 'list' ? 'no arguments' : action === 'undo' ? 'a name and at most a note number' : 'only a name'}`, `logsift session ${action}${action === 'list' ? '' : action === 'undo' ? ' NAME [N]' : ' NAME'}`);
      }
      switch (action) {
        case 'list': {
          const list = sessions.list();
          return { data: { dir: sessions.dir(), sessions: list }, summary: { sessions: list.length }, found: list.length > 0 };
        }
        case 'new': {
          const parsed = parseWords('session new', [SOURCES_ARG], SOURCE_FLAGS, words);
          // The source flags given (not their defaults), by option key: what every question reads with.
          const sourceOptions = Object.fromEntries(givenSourceFlags(parsed.options).map(([f, v]) => [optionKey(f), v]));
          // Opened once: sources that do not open make no session (and the index is cached for the questions).
          const inv = await openSources(parsed.args, parsed.options, { signal: ctx.signal });
          let stats;
          try {
            stats = await inv.stats();
          } finally {
            inv.close();
          }
          const s = sessions.create(need(name, 'a name', action), { paths: parsed.args, options: sourceOptions }, typeof o['title'] === 'string' ? { title: o['title'] } : {});
          const state = s.state();
          return { data: { session: state, entries: stats.entries, files: stats.files.length }, summary: { session: s.name, entries: stats.entries }, found: true };
        }
        case 'show': {
          const state = sessions.open(need(name, 'a name', action)).state();
          return { data: { session: state }, summary: { session: state.name, questions: state.questions.length, notes: state.notes.length }, found: true };
        }
        case 'note': {
          const s = sessions.open(need(name, 'a name', action));
          const note = s.note(words.join(' '));
          return { data: { session: s.name, note }, summary: { notes: s.state().notes.length }, found: true };
        }
        case 'undo': {
          const s = sessions.open(need(name, 'a name', action));
          const seq = words[0];
          if (seq !== undefined && !/^[1-9]\d*$/.test(seq)) throw new CliError('USAGE', `session undo takes a note number, got '${seq}'`, 'logsift session undo NAME [N] (N as in session show)');
          const undone = s.undoNote(seq === undefined ? undefined : Number(seq));
          return { data: { session: s.name, undone: undone ?? null }, summary: { undone: undone !== undefined }, found: undone !== undefined };
        }
        case 'conclude': {
          const s = sessions.open(need(name, 'a name', action));
          s.conclude(words.join(' '));
          return { data: { session: s.name, conclusion: s.state().conclusion }, found: true };
        }
        case 'report': {
          const report = sessions.open(need(name, 'a name', action)).report();
          const out = o['out'];
          if (typeof out === 'string') writeFileSync(out, out.endsWith('.json') ? `${JSON.stringify(report.json, null, 2)}\n` : report.markdown);
          return {
            data: { ...report, ...(typeof out === 'string' ? { written: out } : {}) },
            summary: { questions: report.json.questions.length, notes: report.json.notes.length, concluded: report.json.conclusion !== undefined },
            found: true,
          };
        }
        case 'ask': {
          const s = sessions.open(need(name, 'a name', action));
          const [command, ...argv] = words;
          const def = commands().find((d) => d.name === command);
          if (!def || !askable(def)) {
            throw new CliError('USAGE', `session ask runs a command that reads the sources, not '${command ?? ''}'`, `e.g. ${commands().filter(askable).slice(0, 6).map((d) => d.name).join(', ')}`);
          }
          const own = def.flags.filter((f) => f.group !== 'source');
          const parsed = parseWords(`session ask ${def.name}`, [], own, argv);
          const { sources } = s.state();
          const run = await execute(def, sources.paths, { ...parsed.options, ...sources.options }, { pretty: false, progress: false, signal: ctx.signal });
          const e = run.envelope;
          const question = s.record({
            command: def.name,
            argv,
            ok: e.ok,
            found: run.exitCode === EXIT.found,
            summary: e.summary ?? {},
            ...(e.error ? { error: e.error.code } : {}),
            elapsedMs: e.elapsedMs,
          });
          if (!e.ok && e.error) {
            throw new CliError(e.error.code, e.error.message, e.error.hint ?? `recorded as question ${question.id}`, e.error.location);
          }
          return { data: { session: s.name, question, result: e.data }, summary: { session: s.name, ...(e.summary ?? {}) }, found: question.found };
        }
      }
    },
    text: (raw, ctx) => renderSession(raw, ctx),
  };
}

function renderSession(raw: unknown, ctx: RenderContext): string {
  const c = colors(ctx);
  const d = raw as {
    sessions?: SessionListItem[];
    session?: SessionState | string;
    markdown?: string;
    written?: string;
    note?: { text: string };
    undone?: { text: string } | null;
    question?: SessionQuestion;
    conclusion?: { text: string };
    entries?: number;
  };
  if (d.sessions) {
    if (d.sessions.length === 0) return c.dim('no sessions');
    return table(
      ['session', 'title', 'questions', 'notes', 'concluded', 'updated'],
      d.sessions.map((s) => [s.name, s.title ?? '', s.questions, s.notes, s.concluded ? 'yes' : '', s.updatedAt]),
      ctx,
    );
  }
  if (d.markdown !== undefined) return d.written ? `report written to ${d.written}` : d.markdown;
  if (d.question) {
    const q = d.question;
    const summary = Object.entries(q.summary).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ');
    return `${c.bold(`recorded: ${q.command} ${q.argv.join(' ')}`)}\n${summary || c.dim('(no summary)')}\n${c.dim('the full answer is in the JSON output (--json)')}`;
  }
  if (d.note) return `noted: ${d.note.text}`;
  if (d.undone !== undefined) return d.undone ? `took back: ${d.undone.text}` : c.dim('no note to take back');
  if (d.conclusion) return `concluded: ${d.conclusion.text}`;
  if (typeof d.session === 'object') {
    const s = d.session;
    const lines = [c.bold(s.title ?? s.name), `sources   ${s.sources.paths.join(' ')}`];
    if (d.entries !== undefined) lines.push(`entries   ${formatCount(d.entries)}`);
    lines.push(`questions ${s.questions.length}, notes ${s.notes.length}${s.conclusion ? ', concluded' : ''}`);
    for (const n of s.notes) lines.push(`  ${n.seq}. ${n.text}`);
    if (s.conclusion) lines.push(`conclusion: ${s.conclusion.text}`);
    return lines.join('\n');
  }
  return '';
}
