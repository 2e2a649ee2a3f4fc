// Another process holding the write lock of a database for a while (export retry test):
// argv[2] database, argv[3] marker file written once the lock is held, argv[4] hold time (ms).
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

const [dbPath, marker, ms] = process.argv.slice(2);
const db = new Database(dbPath);
db.exec('BEGIN IMMEDIATE');
writeFileSync(marker, 'locked');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
}, Number(ms));
