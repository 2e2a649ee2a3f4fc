import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { open, TEXT_COLUMNS } from '@logsift/api';
const inv = await open('/tmp/exp-100k.jsonl');
const batches = [];
for await (const b of inv.rowBatches({}, { batchSize: 5000, fields: true })) batches.push(b);
const rows = [];
for (const b of batches) for (let r = 0; r < b.count; r++) rows.push(TEXT_COLUMNS.map((_, c) => b.text(r, c) ?? null).concat([b.timestampNs(r) ?? null, b.offset[r], b.line[r], b.severity[r]]));
function run(label, schema, sql, mk) {
  const p = '/tmp/exp-scratch/micro.sqlite'; for (const s of ['', '-wal', '-shm']) rmSync(p + s, { force: true });
  const db = new Database(p); db.pragma('page_size=16384'); db.pragma('journal_mode=WAL'); db.pragma('synchronous=NORMAL'); db.pragma('cache_size=-4096');
  db.exec(schema); const st = db.prepare(sql);
  const tx = db.transaction((lo, hi) => { for (let i = lo; i < hi; i++) st.run(...mk(rows[i])); });
  const c0 = process.cpuUsage(); const t = performance.now();
  for (let i = 0; i < rows.length; i += 5000) tx(i, Math.min(rows.length, i + 5000));
  const c = process.cpuUsage(c0); console.log(label, (performance.now() - t) | 0, 'ms wall', ((c.user + c.system) / 1000) | 0, 'ms cpu');
  db.close();
}
const cols = 'a,b,c,d,e,f,g,h,i,j,k,l';
run('12 text cols, rowid only', `CREATE TABLE t(id INTEGER PRIMARY KEY, ${cols})`, `INSERT INTO t(${cols}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`, (r) => r.slice(0, 12));
run('12 text + 4 num, unique(file,offset)', `CREATE TABLE t(id INTEGER PRIMARY KEY, ${cols}, ts, off, line, sev, UNIQUE(line, off))`, `INSERT OR IGNORE INTO t(${cols},ts,off,line,sev) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, (r) => r);
run('raw only', `CREATE TABLE t(id INTEGER PRIMARY KEY, raw)`, `INSERT INTO t(raw) VALUES (?)`, (r) => [r[10]]);
run('nothing bound', `CREATE TABLE t(id INTEGER PRIMARY KEY, raw)`, `INSERT INTO t(raw) VALUES (1)`, (r) => []);
function runMulti(label, schema, table, colList, k, mk) {
  const p = '/tmp/exp-scratch/micro.sqlite'; for (const s of ['', '-wal', '-shm']) rmSync(p + s, { force: true });
  const db = new Database(p); db.pragma('page_size=16384'); db.pragma('journal_mode=WAL'); db.pragma('synchronous=NORMAL'); db.pragma('cache_size=-4096');
  db.exec(schema);
  const n = colList.split(',').length;
  const one = '(' + Array(n).fill('?').join(',') + ')';
  const st = db.prepare(`INSERT OR IGNORE INTO ${table}(${colList}) VALUES ${Array(k).fill(one).join(',')}`);
  const st1 = db.prepare(`INSERT OR IGNORE INTO ${table}(${colList}) VALUES ${one}`);
  const args = new Array(n * k);
  const tx = db.transaction((lo, hi) => {
    let i = lo;
    for (; i + k <= hi; i += k) { let a = 0; for (let j = 0; j < k; j++) { const v = mk(rows[i + j]); for (let x = 0; x < n; x++) args[a++] = v[x]; } st.run(args); }
    for (; i < hi; i++) st1.run(mk(rows[i]));
  });
  const c0 = process.cpuUsage(); const t = performance.now();
  for (let i = 0; i < rows.length; i += 5000) tx(i, Math.min(rows.length, i + 5000));
  const c = process.cpuUsage(c0); console.log(label, (performance.now() - t) | 0, 'ms wall', ((c.user + c.system) / 1000) | 0, 'ms cpu');
  db.close();
}
runMulti('multi 50: 12 text + 4 num unique', `CREATE TABLE t(id INTEGER PRIMARY KEY, ${cols}, ts, off, line, sev, UNIQUE(line, off))`, 't', `${cols},ts,off,line,sev`, 50, (r) => r);
runMulti('multi 50: raw only', `CREATE TABLE t(id INTEGER PRIMARY KEY, raw)`, 't', 'raw', 50, (r) => [r[10]]);
{
  const p = '/tmp/exp-scratch/micro.sqlite'; for (const s of ['', '-wal', '-shm']) rmSync(p + s, { force: true });
  const db = new Database(p); db.pragma('page_size=16384'); db.pragma('journal_mode=WAL'); db.pragma('synchronous=NORMAL'); db.pragma('cache_size=-4096');
  console.log(db.prepare('select sqlite_version() v').get());
  db.exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, ${cols}, ts, off, line, sev, UNIQUE(line, off))`);
  const sel = Array.from({ length: 16 }, (_, i) => `value->>${i}`).join(',');
  const st = db.prepare(`INSERT OR IGNORE INTO t(${cols},ts,off,line,sev) SELECT ${sel} FROM json_each(CAST(? AS TEXT))`);
  const blobs = [];
  for (let i = 0; i < rows.length; i += 5000) blobs.push(Buffer.from(JSON.stringify(rows.slice(i, i + 5000).map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v))))));
  const c0 = process.cpuUsage(); const t = performance.now();
  for (const b of blobs) db.transaction(() => st.run(b))();
  const c = process.cpuUsage(c0); console.log('json_each 16 cols', (performance.now() - t) | 0, 'ms wall', ((c.user + c.system) / 1000) | 0, 'ms cpu', db.prepare('select count(*) n, count(k) nk from t').get());
}
