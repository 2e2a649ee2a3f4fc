// Child process for the kill -9 test of the Parquet export: exports argv[2] into argv[3], one
// file per hour in small row groups (with fields, the slower path), so that the parent can kill it between and inside files.
import { open } from '../dist/index.js';

const [file, out] = process.argv.slice(2);
const inv = await open(file, { cache: false });
await inv.exportToParquet(out, { partition: 'hour', rowGroupRows: 2000, fields: true });
process.stdout.write('done\n');
