import cliProgress from 'cli-progress';
import type { Progress } from '@logsift/api';

/**
 * A progress bar on stderr while indexing, only when stderr is a terminal and the work
 * takes long enough to be worth showing (no flicker on small inputs).
 */
export function progressReporter(enabled: boolean): { onProgress?: (p: Progress) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { stop: () => {} };
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress: (p) => {
      if (!bar) {
        if (Date.now() - started < 300 || p.total <= 0 || p.done >= p.total) return;
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
    stop: () => bar?.stop(),
  };
}
