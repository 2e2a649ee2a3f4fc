import { open } from '@logsift/api';
const inv = await open(process.argv[2]);
for (const fields of [false, true]) {
  let t = performance.now(), n = 0, bytes = 0;
  for await (const b of inv.rowBatches({}, { batchSize: 10000, fields })) { n += b.count; bytes += b.bytes.length; }
  let dt = performance.now() - t;
  console.log(`rowBatches fields=${fields}: ${n} rows ${(n / dt * 1000 | 0)} rows/s, ${(bytes/n|0)} B/row`);
  t = performance.now(); n = 0;
  for await (const b of inv.rowBatches({}, { batchSize: 10000, fields })) { for (let r = 0; r < b.count; r++) { b.text(r, 'message'); b.text(r, 'raw'); b.text(r, 'time'); n++; } }
  dt = performance.now() - t;
  console.log(`  + decode 3 cols: ${(n / dt * 1000 | 0)} rows/s`);
}
let t = performance.now(), n = 0;
for await (const e of inv.iterate({ level: 'error' })) n++;
console.log(`iterate level=error: ${n} in ${(performance.now() - t) | 0} ms`);
t = performance.now(); n = 0;
for await (const e of inv.iterate({ minLevel: 'warn' })) n++;
console.log(`iterate minLevel=warn: ${n} in ${(performance.now() - t) | 0} ms`);
