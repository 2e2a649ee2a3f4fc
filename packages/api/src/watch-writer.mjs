// A log writer for the watch tests and bench: appends numbered lines to a file at a given
// rate for a given time, rotating as it goes. Usage:
//   node watch-writer.mjs MODE TARGET SECONDS RATE
// MODE: rename (TARGET is a file, renamed to TARGET.N and re-created every 2 s; one more
// batch goes to the old file after the rename), copytruncate (TARGET copied to TARGET.N and
// truncated every 2 s), newfiles (TARGET is a directory: a new part-N.log every second).
// Every 997th line is written in two parts, one tick apart (an unfinished line for a moment).
// Prints {"lines": N, "seconds": S} when done.
import { closeSync, copyFileSync, ftruncateSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [mode, target, secondsArg, rateArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const rate = Number(rateArg);
const pad = 'x'.repeat(40);
const pathOf = (k) => (mode === 'newfiles' ? join(target, `part-${k}.log`) : target);
let part = 1;
let fd = openSync(pathOf(part), 'a');
let n = 0;
let carry = '';
const start = Date.now();
let lastRotation = start;

function batch(count) {
  let out = '';
  for (let i = 0; i < count; i++, n++) {
    const line = `${new Date().toISOString()} INFO [writer] ${mode} seq=${n} ${pad}\n`;
    if (n % 997 === 996) {
      n++;
      const cut = line.length >> 1;
      out += line.slice(0, cut);
      return { out, carry: line.slice(cut) };
    }
    out += line;
  }
  return { out, carry: '' };
}

function tick() {
  const now = Date.now();
  if (carry) writeSync(fd, carry);
  carry = '';
  const every = mode === 'newfiles' ? 1000 : 2000;
  const due = Math.min(Math.floor(((now - start) / 1000) * rate), Math.floor(seconds * rate)) - n;
  if (now - lastRotation >= every && now - start < seconds * 1000) {
    lastRotation = now;
    if (mode === 'rename') {
      renameSync(target, `${target}.${part}`);
      const late = batch(Math.max(1, due >> 1));
      writeSync(fd, late.out + late.carry);
      closeSync(fd);
      fd = openSync(pathOf(++part), 'a');
    } else if (mode === 'copytruncate') {
      copyFileSync(target, `${target}.${part++}`);
      ftruncateSync(fd, 0);
    } else {
      closeSync(fd);
      fd = openSync(pathOf(++part), 'a');
    }
  }
  const left = Math.min(Math.floor(((Date.now() - start) / 1000) * rate), Math.floor(seconds * rate)) - n;
  if (left > 0) {
    const b = batch(left);
    writeSync(fd, b.out);
    carry = b.carry;
  }
  if (now - start >= seconds * 1000 && n >= Math.floor(seconds * rate)) {
    if (carry) writeSync(fd, carry);
    closeSync(fd);
    process.stdout.write(JSON.stringify({ lines: n, seconds: (Date.now() - start) / 1000 }) + '\n');
    return;
  }
  setTimeout(tick, 5);
}
tick();
