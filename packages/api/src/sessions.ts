import { appendFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
// Ids come from the global Web Crypto (`crypto.randomUUID`, Node >= 19), which Node loads on
// first use: a static `node:crypto` import would load its ~25 modules on every CLI start.
import { UsageError } from './errors.js';

/**
 * Sessions: a named, saved investigation — its sources, the questions asked with their
 * summaries, notes and a conclusion — that any later process can resume (each CLI call is
 * a new process).
 *
 * A session is an append-only journal, one JSON event per line, in
 * `<dir>/<name>.jsonl`. It is created whole under a temporary name and linked into place
 * (atomic, and refused when the name exists); every later change is one `O_APPEND` write of
 * one line, so two processes appending at once both land, neither overwrites the other, and
 * no lock is held. Undo is an event too (it names the note it takes back), so the journal
 * is also the history. A reader skips a last line without its newline (a write in flight).
 *
 * Undo without a lock: the journal's order arbitrates. An undo appends its event, then reads
 * the journal back; the first undo of a note in the journal is the one that took it back,
 * a later undo of the same note is a no-op when replayed. So two processes undoing at once
 * never take back one note twice: the one that lost takes back the next note standing (undo
 * of "the last note"), or fails with NOTE_ALREADY_UNDONE (undo of note N).
 */

export const SESSION_VERSION = 1;

/** A value a source option can hold (JSON). */
export type SessionOptionValue = string | number | boolean | string[];

/** How the session's sources are opened. */
export interface SessionSources {
  /** Absolute paths, directories or globs (relative ones are resolved when the session is made). */
  paths: string[];
  /** Source options by key (`format`, `timezone`, `include`, ...; `db`, `dbMapping` for a SQLite source). */
  options: Record<string, SessionOptionValue>;
}

export interface SessionNote {
  id: string;
  /** Its number: the n-th note written in the session (1-based, never reused). */
  seq: number;
  text: string;
  at: string;
}

/** A question asked in the session: the command, its arguments and the summary of its answer. */
export interface SessionQuestion {
  id: string;
  command: string;
  /** The command's own arguments, as given (`["-q", "timeout"]`). */
  argv: string[];
  ok: boolean;
  /** Whether it found anything. */
  found: boolean;
  /** The answer's summary (counts, the top items): what the report shows. */
  summary: Record<string, unknown>;
  /** The error code when it failed. */
  error?: string;
  at: string;
  elapsedMs: number;
}

/** A session as its journal says it is now. */
export interface SessionState {
  name: string;
  title?: string;
  createdAt: string;
  updatedAt: string;
  sources: SessionSources;
  notes: SessionNote[];
  questions: SessionQuestion[];
  conclusion?: { text: string; at: string };
  /** The journal file. */
  file: string;
}

export interface SessionListItem {
  name: string;
  title?: string;
  createdAt: string;
  updatedAt: string;
  notes: number;
  questions: number;
  concluded: boolean;
}

export interface SessionsOptions {
  /** Directory of the sessions. Default `$LOGSIFT_SESSIONS_DIR`, else `$XDG_DATA_HOME/logsift/sessions`, else `~/.local/share/logsift/sessions`. */
  dir?: string;
}

type SessionEvent =
  | { type: 'created'; version: number; name: string; title?: string; sources: SessionSources; at: string }
  | { type: 'note'; id: string; text: string; at: string }
  /** `id`: this undo's own id, to tell which of two undos of one note came first. */
  | { type: 'undo'; id?: string; note: string; at: string }
  | ({ type: 'question' } & SessionQuestion)
  | { type: 'conclusion'; text: string; at: string };

/** The sessions directory for these options (not created). */
export function sessionsDir(options: SessionsOptions = {}): string {
  if (options.dir) return resolve(options.dir);
  const env = process.env['LOGSIFT_SESSIONS_DIR'];
  if (env) return resolve(env);
  return join(process.env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share'), 'logsift', 'sessions');
}

const NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;

function checkName(name: string): void {
  if (!NAME.test(name) || name.endsWith('.tmp')) {
    throw new UsageError('INVALID_OPTION', `session name '${name}': letters, digits, _ . - (starting with a letter or digit, at most 100)`, 'name');
  }
}

function readEvents(file: string): SessionEvent[] {
  const text = readFileSync(file, 'utf8');
  // A last line without its newline is an append still being written: not part of the state yet.
  const lines = text.split('\n').slice(0, -1);
  const events: SessionEvent[] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    try {
      events.push(JSON.parse(line) as SessionEvent);
    } catch {
      throw new UsageError('INVALID_CONFIG', `${file}: line ${i + 1} is not a session event`, `${file}:${i + 1}`);
    }
  });
  return events;
}

function replay(file: string, events: SessionEvent[]): SessionState {
  const head = events[0];
  if (head?.type !== 'created') throw new UsageError('INVALID_CONFIG', `${file}: not a logsift session (no 'created' event first)`, file);
  const state: SessionState = {
    name: head.name,
    ...(head.title ? { title: head.title } : {}),
    createdAt: head.at,
    updatedAt: head.at,
    sources: head.sources,
    notes: [],
    questions: [],
    file,
  };
  let seq = 0;
  for (const e of events.slice(1)) {
    state.updatedAt = e.at;
    switch (e.type) {
      case 'note':
        state.notes.push({ id: e.id, seq: ++seq, text: e.text, at: e.at });
        break;
      case 'undo':
        // A second undo of a note (or of one never written) changes nothing.
        state.notes = state.notes.filter((n) => n.id !== e.note);
        break;
      case 'question': {
        const { type: _, ...q } = e;
        state.questions.push(q);
        break;
      }
      case 'conclusion':
        state.conclusion = { text: e.text, at: e.at };
        break;
    }
  }
  return state;
}

/** One session: read its state, append to its journal. Every method re-reads the journal, so another process's appends are seen. */
export class InvestigationSession {
  readonly name: string;
  readonly file: string;

  constructor(name: string, file: string) {
    this.name = name;
    this.file = file;
  }

  /** The session as its journal says it is now. */
  state(): SessionState {
    return replay(this.file, readEvents(this.file));
  }

  #append(event: SessionEvent): void {
    // One write of one line in append mode: concurrent appends interleave whole lines.
    appendFileSync(this.file, `${JSON.stringify(event)}\n`, { flag: 'a' });
  }

  note(text: string): SessionNote {
    if (text.trim() === '') throw new UsageError('INVALID_OPTION', 'a note needs some text', 'text');
    const note = { id: crypto.randomUUID(), text, at: new Date().toISOString() };
    this.#append({ type: 'note', ...note });
    // Its number is its place among the note events, which only the journal knows.
    const events = readEvents(this.file).filter((e) => e.type === 'note');
    return { ...note, seq: events.findIndex((e) => e.type === 'note' && e.id === note.id) + 1 };
  }

  /**
   * Takes back note number `seq`, or without it the most recent note still standing;
   * undefined when none stands. Safe against concurrent undos (see the module doc):
   * NOTE_ALREADY_UNDONE when note `seq` is (or was meanwhile) taken back, UNKNOWN_NOTE when
   * there is no such note.
   */
  undoNote(seq?: number): SessionNote | undefined {
    for (;;) {
      const notes = this.state().notes;
      const target = seq === undefined ? notes.at(-1) : notes.find((n) => n.seq === seq);
      if (!target) {
        if (seq === undefined) return undefined;
        const written = readEvents(this.file).filter((e) => e.type === 'note').length;
        if (!Number.isInteger(seq) || seq < 1 || seq > written) throw new UsageError('UNKNOWN_NOTE', `session '${this.name}' has no note ${seq} (notes 1 to ${written})`, String(seq));
        throw new UsageError('NOTE_ALREADY_UNDONE', `note ${seq} of session '${this.name}' is already undone`, String(seq));
      }
      const id = crypto.randomUUID();
      this.#append({ type: 'undo', id, note: target.id, at: new Date().toISOString() });
      // The journal's first undo of the note is the one that took it back.
      const first = readEvents(this.file).find((e) => e.type === 'undo' && e.note === target.id);
      if (first?.type === 'undo' && first.id === id) return target;
      // Another process took it back first: ours was a no-op. Undo the next one standing (or fail for `seq`).
    }
  }

  /** Records a question asked and the summary of its answer. */
  record(question: Omit<SessionQuestion, 'id' | 'at'>): SessionQuestion {
    const q: SessionQuestion = { id: crypto.randomUUID(), at: new Date().toISOString(), ...question };
    this.#append({ type: 'question', ...q });
    return q;
  }

  /** Sets the conclusion (a later one replaces it). */
  conclude(text: string): void {
    if (text.trim() === '') throw new UsageError('INVALID_OPTION', 'a conclusion needs some text', 'text');
    this.#append({ type: 'conclusion', text, at: new Date().toISOString() });
  }

  /** The report: the state as JSON and as Markdown. */
  report(): { json: SessionState; markdown: string } {
    const s = this.state();
    return { json: s, markdown: sessionMarkdown(s) };
  }
}

function fileOf(dir: string, name: string): string {
  return join(dir, `${name}.jsonl`);
}

/** Creates a session; SESSION_EXISTS when the name is taken. */
function create(name: string, sources: SessionSources, options: SessionsOptions & { title?: string } = {}): InvestigationSession {
  checkName(name);
  const dir = sessionsDir(options);
  mkdirSync(dir, { recursive: true });
  const file = fileOf(dir, name);
  const event: SessionEvent = {
    type: 'created',
    version: SESSION_VERSION,
    name,
    ...(options.title ? { title: options.title } : {}),
    // Paths made absolute, so any later process resumes from wherever it runs.
    sources: {
      paths: sources.paths.map((p) => (p === '-' ? p : resolve(p))),
      options: typeof sources.options['db'] === 'string' ? { ...sources.options, db: resolve(sources.options['db']) } : sources.options,
    },
    at: new Date().toISOString(),
  };
  if (event.sources.paths.includes('-')) throw new UsageError('INVALID_OPTION', "a session cannot keep stdin ('-') as a source: it is read once", 'sources');
  const tmp = join(dir, `.${name}.${process.pid}.${crypto.randomUUID()}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(event)}\n`, { flag: 'wx' });
  try {
    // link() fails when the name exists: creation is atomic and never replaces a session.
    linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError('SESSION_EXISTS', `session '${name}' exists (${file})`, name);
    throw error;
  } finally {
    unlinkSync(tmp);
  }
  return new InvestigationSession(name, file);
}

/** Opens an existing session; UNKNOWN_SESSION when there is none by that name. */
function openSession(name: string, options: SessionsOptions = {}): InvestigationSession {
  checkName(name);
  const file = fileOf(sessionsDir(options), name);
  if (!existsSync(file)) throw new UsageError('UNKNOWN_SESSION', `no session '${name}' in ${sessionsDir(options)}`, name);
  return new InvestigationSession(name, file);
}

/** The saved sessions, most recently updated first. */
function list(options: SessionsOptions = {}): SessionListItem[] {
  const dir = sessionsDir(options);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const out: SessionListItem[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.jsonl') || f.startsWith('.')) continue;
    const s = replay(join(dir, f), readEvents(join(dir, f)));
    out.push({
      name: s.name,
      ...(s.title ? { title: s.title } : {}),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      notes: s.notes.length,
      questions: s.questions.length,
      concluded: s.conclusion !== undefined,
    });
  }
  return out.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** Sessions: `create`, `open` (resume in any process) and `list`. */
export const sessions = { create, open: openSession, list, dir: sessionsDir };

function summaryText(summary: Record<string, unknown>): string {
  return Object.entries(summary)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

/** The session as a Markdown report: sources, questions with their summaries, notes, conclusion. */
export function sessionMarkdown(s: SessionState): string {
  const out = [`# Investigation: ${s.title ?? s.name}`, '', `Session \`${s.name}\`, started ${s.createdAt}, last updated ${s.updatedAt}.`, '', '## Sources', ''];
  for (const p of s.sources.paths) out.push(`- \`${p}\``);
  const opts = Object.entries(s.sources.options);
  if (opts.length > 0) out.push('', `Options: ${opts.map(([k, v]) => `\`${k}=${Array.isArray(v) ? v.join(',') : String(v)}\``).join(', ')}`);
  out.push('', `## Questions (${s.questions.length})`, '');
  if (s.questions.length === 0) out.push('None asked.');
  s.questions.forEach((q, i) => {
    const cmd = [q.command, ...q.argv].join(' ');
    out.push(`${i + 1}. \`${cmd}\` — ${q.ok ? (q.found ? 'found' : 'nothing found') : `failed (${q.error ?? 'error'})`}${Object.keys(q.summary).length ? `: ${summaryText(q.summary)}` : ''} _(${q.at})_`);
  });
  out.push('', `## Notes (${s.notes.length})`, '');
  if (s.notes.length === 0) out.push('None.');
  for (const n of s.notes) out.push(`- ${n.text} _(${n.at})_`);
  out.push('', '## Conclusion', '', s.conclusion ? s.conclusion.text : '_Not concluded yet._', '');
  return out.join('\n');
}
