import { run } from './program.js';

// A reader that stops early (`logsift emit ... | head`) closes the pipe: stop quietly, as
// grep does, instead of an unhandled EPIPE. Output was being written, so something was found.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await run(process.argv.slice(2));
