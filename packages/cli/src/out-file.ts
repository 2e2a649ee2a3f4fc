import { createWriteStream } from 'node:fs';

export interface OutFile {
  /** Resolves when the stream can take more (backpressure). */
  write(chunk: string): Promise<void>;
  /** Flushes and closes; rejects with the first write error. */
  close(): Promise<void>;
}

/** The file of `-o/--out`, written as a stream (flat memory whatever the size). */
export function openOutFile(path: string): OutFile {
  const stream = createWriteStream(path);
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure ??= error;
  });
  return {
    write: (chunk) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        if (chunk === '' || stream.write(chunk)) return resolve();
        stream.once('drain', () => resolve());
      }),
    close: () =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        stream.end(() => (failure ? reject(failure) : resolve()));
      }),
  };
}
