// Child process for the changing-files test: opens argv[2] and runs every kind of operation
// concurrently, in a loop, until argv[3] exists, while the parent truncates, appends to and
// rewrites the file. Prints one line per answer (`ok OP` or `error CODE OP`) and `done` at the
// end; a crash (SIGBUS) shows as a death by signal in the parent.
import { existsSync } from 'node:fs';
import { open } from '../dist/index.js';

const [file, stop] = process.argv.slice(2);
const say = (line) => process.stdout.write(line + '\n');

// A request id of the index; a short prefix of the file may hold none (then `run` is skipped).
async function withId(inv, run) {
  const ids = await inv.ids({ kind: 'request', limit: 1 });
  const id = ids.kinds[0]?.ids[0]?.id;
  return id === undefined ? 'no request id' : run(id);
}

const ops = {
  count: (inv) => inv.count({ regex: 'fail(ed|ure)' }),
  search: (inv) => inv.search({ text: 'started', limit: 20 }),
  templates: (inv) => inv.templates({ limit: 10 }),
  follow: (inv) => withId(inv, (id) => inv.follow(id, { limit: 50 })),
  hierarchy: (inv) => withId(inv, (id) => inv.hierarchy(id)),
  errorFlow: (inv) => inv.errorFlow(),
  timeline: (inv) => withId(inv, (id) => inv.timeline({ id })),
  triage: (inv) => inv.triage(),
  iterate: async (inv) => {
    let n = 0;
    for await (const _ of inv.iterate({ minLevel: 'warn' })) n += 1;
    return n;
  },
};

while (!existsSync(stop)) {
  let inv;
  try {
    inv = await open(file, { cache: false });
  } catch (e) {
    say(`error ${e.code} open`);
    continue;
  }
  // All at once, as an MCP server serving several requests would.
  await Promise.all(
    Object.entries(ops).map(async ([name, run]) => {
      try {
        const r = await run(inv);
        if (r === undefined || r === null) throw new Error(`${name} resolved to nothing`);
        say(`ok ${name}`);
      } catch (e) {
        say(`error ${e.code ?? 'UNTYPED:' + String(e)} ${name}`);
      }
    }),
  );
  inv.close();
}
say('done');
