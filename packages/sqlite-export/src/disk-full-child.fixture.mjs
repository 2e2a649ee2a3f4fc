// Child process for the disk-full test: exports argv[2] into argv[3] with batches of argv[4]
// entries under the file-size limit its parent set (`ulimit -f`, so writes fail with EFBIG as
// on a full disk), and prints the outcome as one JSON line.
import { open } from '@logsift/api';
import { exportToSqlite } from '../dist/index.js';

const [input, dbPath, batchSize] = process.argv.slice(2);
const inv = await open(input);
try {
  const result = await exportToSqlite(inv, dbPath, { batchSize: Number(batchSize) });
  process.stdout.write(JSON.stringify({ ok: true, rows: result.rows }) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, name: e.name, code: e.code, message: e.message }) + '\n');
}
