/**
 * A bounded FIFO between one producer and one consumer. `push` waits while the queue is
 * full (backpressure: the reader stops pulling from the engine), `shift` waits while it is
 * empty. `close` ends the stream; `fail` wakes both sides with an error.
 */
export class BatchQueue<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  #closed = false;
  #error: unknown = undefined;
  #wakeProducer: (() => void) | undefined;
  #wakeConsumer: (() => void) | undefined;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.length;
  }

  /** Adds an item, waiting while the queue is full. Throws if the queue has failed. */
  async push(item: T): Promise<void> {
    while (this.#items.length >= this.#capacity && this.#error === undefined) {
      await new Promise<void>((resolve) => (this.#wakeProducer = resolve));
    }
    if (this.#error !== undefined) throw this.#error;
    this.#items.push(item);
    this.#wake('consumer');
  }

  /** Takes the oldest item, waiting while empty; `undefined` once closed and drained. */
  async shift(): Promise<T | undefined> {
    while (this.#items.length === 0 && !this.#closed && this.#error === undefined) {
      await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
    }
    if (this.#error !== undefined) throw this.#error;
    const item = this.#items.shift();
    this.#wake('producer');
    return item;
  }

  close(): void {
    this.#closed = true;
    this.#wake('consumer');
  }

  fail(error: unknown): void {
    this.#error ??= error;
    this.#items.length = 0;
    this.#wake('consumer');
    this.#wake('producer');
  }

  #wake(side: 'producer' | 'consumer'): void {
    const wake = side === 'producer' ? this.#wakeProducer : this.#wakeConsumer;
    if (side === 'producer') this.#wakeProducer = undefined;
    else this.#wakeConsumer = undefined;
    wake?.();
  }
}
