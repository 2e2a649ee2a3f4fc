// Child process for the kill-and-resume test: exports argv[2] into argv[3] with batches of
// argv[4] entries and prints a line per committed batch, so the parent can kill it anywhere.
import { open } from '@logsift/api';
import { exportToSqlite } from '../dist/index.js';

const [input, dbPath, batchSize] = process.argv.slice(2);
const inv = await open(input);
process.stdout.write('exporting\n');
const result = await exportToSqlite(inv, dbPath, {
  batchSize: Number(batchSize),
  onProgress: (p) => process.stdout.write(`batch ${p.batches} ${p.resumed + p.rows}\n`),
});
process.stdout.write(`done ${JSON.stringify(result)}\n`);
