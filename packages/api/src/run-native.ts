import { CancelledError, fromNative } from './errors.js';
import { native, type NativeToken } from './native.js';

/** Progress of a long native task: bytes done out of bytes total. */
export interface Progress {
  done: number;
  total: number;
}

export interface TaskControl {
  /** Cancels the task; it rejects with a `CancelledError`. */
  signal?: AbortSignal | undefined;
  /** Called about every 100 ms while the task runs. */
  onProgress?: ((progress: Progress) => void) | undefined;
}

/**
 * Runs a native task with an AbortSignal wired to its cancel token, progress polled from the
 * token, and native errors turned into typed `LogsiftError`s.
 */
export async function runNative<T>(task: (token: NativeToken) => Promise<T>, control: TaskControl = {}): Promise<T> {
  const { signal, onProgress } = control;
  if (signal?.aborted) throw new CancelledError();
  const token = new (native().CancelToken)();
  const abort = (): void => token.cancel();
  signal?.addEventListener('abort', abort, { once: true });
  const timer = onProgress
    ? setInterval(() => {
        const [done = 0, total = 0] = token.progress();
        onProgress({ done, total });
      }, 100)
    : undefined;
  try {
    const result = await task(token);
    if (onProgress) {
      const [done = 0, total = 0] = token.progress();
      onProgress({ done, total });
    }
    return result;
  } catch (error) {
    throw fromNative(error);
  } finally {
    if (timer) clearInterval(timer);
    signal?.removeEventListener('abort', abort);
  }
}

/** Runs a synchronous native call with typed errors. */
export function callNativeSync<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw fromNative(error);
  }
}
