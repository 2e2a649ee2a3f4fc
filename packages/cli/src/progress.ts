import { isatty } from 'node:tty';
import type { Progress } from '@logsift/api';
import type cliProgressType from 'cli-progress';

/**
 * A progress bar on stderr while indexing, only when stderr is a terminal and the work
 * takes long enough to be worth showing (no flicker on small inputs).
 */
export function progressReporter(enabled: boolean): { onProgress?: (p: Progress) => void; stop: () => void } {
  // isatty(2), not process.stderr.isTTY: creating the stderr stream for a pipe costs startup time.
  if (!enabled || !isatty(2)) return { stop: () => {} };
  const started = Date.now();
  let bar: cliProgressType.SingleBar | undefined;
  let lib: typeof cliProgressType | undefined;
  let stopped = false;
  // Loaded lazily: most runs finish before a bar is worth drawing.
  void import('cli-progress').then((m) => {
    lib = m.default;
  });
  return {
    onProgress: (p) => {
      if (stopped) return;
      if (!bar) {
        if (!lib || Date.now() - started < 300 || p.total <= 0 || p.done >= p.total) return;
        const cliProgress = lib;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            clearOnComplete: true,
            hideCursor: true,
            format: 'indexing [{bar}] {percentage}% | {doneMb}/{totalMb} MB | eta {eta}s',
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total, p.done, { doneMb: '0', totalMb: (p.total / 1048576).toFixed(1) });
      }
      bar.update(p.done, { doneMb: (p.done / 1048576).toFixed(1), totalMb: (p.total / 1048576).toFixed(1) });
    },
    stop: () => {
      stopped = true;
      bar?.stop();
    },
  };
}
