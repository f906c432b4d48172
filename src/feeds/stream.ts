/**
 * Push streams for the event bus: a source calls its sinks synchronously,
 * operators (map, filter, window, merge) are sinks that forward, and a
 * consumer that does real work reads through a bounded queue, so the
 * producer (the data feed) only ever pays for an enqueue and is never held
 * up by a slow consumer. Streams are lazy: an operator subscribes upstream
 * when it gets its first sink and lets go with its last.
 */
export type Sink<T> = (value: T) => void;
export type Unsubscribe = () => void;

/** Where an exception thrown by a sink goes; the stream keeps delivering to the others. */
export type SinkErrorHandler = (error: unknown) => void;

const reportToConsole: SinkErrorHandler = (e) => console.error("event bus: a subscriber threw", e);

export class Stream<T> {
  private readonly sinks = new Set<Sink<T>>();
  private disconnect: Unsubscribe | undefined;

  /** `connect` starts the upstream when the first sink arrives and returns how to stop it. */
  constructor(
    private readonly connect?: (emit: Sink<T>) => Unsubscribe,
    protected readonly onSinkError: SinkErrorHandler = reportToConsole,
  ) {}

  subscribe(sink: Sink<T>): Unsubscribe {
    this.sinks.add(sink);
    if (this.sinks.size === 1 && this.connect) this.disconnect = this.connect((v) => this.emit(v));
    return () => {
      if (!this.sinks.delete(sink)) return;
      if (this.sinks.size === 0 && this.disconnect) {
        const d = this.disconnect;
        this.disconnect = undefined;
        d();
      }
    };
  }

  get subscribers(): number {
    return this.sinks.size;
  }

  protected emit(value: T): void {
    for (const sink of this.sinks) {
      try {
        sink(value);
      } catch (e) {
        this.onSinkError(e);
      }
    }
  }

  map<U>(f: (value: T) => U): Stream<U> {
    return new Stream<U>((emit) => this.subscribe((v) => emit(f(v))), this.onSinkError);
  }

  filter<S extends T>(predicate: (value: T) => value is S): Stream<S>;
  filter(predicate: (value: T) => boolean): Stream<T>;
  filter(predicate: (value: T) => boolean): Stream<T> {
    return new Stream<T>((emit) => this.subscribe((v) => predicate(v) && emit(v)), this.onSinkError);
  }

  /**
   * Windows of `size` values, a new one every `every` values (default
   * `size`: tumbling; smaller: sliding). A window is emitted once full, as
   * a fresh array the consumer may keep.
   */
  window(size: number, every = size): Stream<T[]> {
    if (!(Number.isInteger(size) && size >= 1 && Number.isInteger(every) && every >= 1)) {
      throw new RangeError(`window: size and every must be integers >= 1, got ${size} and ${every}`);
    }
    return new Stream<T[]>((emit) => {
      let buffer: T[] = [];
      let skip = 0;
      return this.subscribe((v) => {
        if (skip > 0) {
          skip--;
          return;
        }
        buffer.push(v);
        if (buffer.length < size) return;
        emit(buffer.slice());
        if (every >= size) {
          buffer = [];
          skip = every - size;
        } else buffer = buffer.slice(every);
      });
    }, this.onSinkError);
  }

  /**
   * Tumbling windows by event time: values whose `timeOf` falls in the same
   * [k * ms, (k + 1) * ms) interval, emitted when a value of a later
   * interval arrives (event time, not a timer, so replay at any speed gives
   * the same windows).
   */
  windowByTime(ms: number, timeOf: (value: T) => number): Stream<T[]> {
    if (!(ms > 0)) throw new RangeError(`windowByTime: ms must be positive, got ${ms}`);
    return new Stream<T[]>((emit) => {
      let buffer: T[] = [];
      let slot = -Infinity;
      return this.subscribe((v) => {
        const s = Math.floor(timeOf(v) / ms);
        if (s !== slot && buffer.length > 0) {
          emit(buffer);
          buffer = [];
        }
        slot = s;
        buffer.push(v);
      });
    }, this.onSinkError);
  }

  /** Reads this stream through a bounded queue (see BoundedQueue for the policies). */
  queue(options: QueueOptions<T>): BoundedQueue<T> {
    const q = new BoundedQueue<T>(options);
    q.onClose(this.subscribe((v) => q.push(v)));
    return q;
  }
}

/** Every value of every input, in the order they arrive. */
export function merge<T>(...streams: Stream<T>[]): Stream<T> {
  return new Stream<T>((emit) => {
    const offs = streams.map((s) => s.subscribe(emit));
    return () => offs.forEach((off) => off());
  });
}

/** A stream you push into: a bus topic. */
export class Subject<T> extends Stream<T> {
  constructor(onSinkError?: SinkErrorHandler) {
    super(undefined, onSinkError);
  }
  push(value: T): void {
    this.emit(value);
  }
}

/**
 * What a full queue does with one more value. Market data is replaceable by
 * newer market data; an order event or a fill is not.
 * - "drop-oldest": discard the oldest queued value (a consumer that falls
 *   behind skips ahead to recent ticks).
 * - "conflate": keep at most one queued value per key (the latest quote per
 *   symbol replaces the queued one in place); when the queue is full of
 *   other keys, drop the oldest.
 * - "fail": close the queue with QueueOverflowError, which the consumer
 *   receives at its next read: losing a fill silently would corrupt the
 *   portfolio, so a consumer too slow for orders and fills must find out and
 *   resynchronize (from the journal or the broker).
 * In every case the producer's push returns at once.
 */
export type OverflowPolicy = "drop-oldest" | "conflate" | "fail";

export interface QueueOptions<T> {
  readonly capacity: number;
  readonly policy: OverflowPolicy;
  /** Conflation key, required with "conflate" (e.g. the symbol). */
  readonly key?: (value: T) => unknown;
  /** Named in the overflow error. */
  readonly name?: string;
}

export class QueueOverflowError extends Error {
  constructor(name: string, capacity: number) {
    super(`${name}: consumer fell ${capacity} events behind; the queue is closed so nothing is lost silently (resynchronize and subscribe again)`);
    this.name = "QueueOverflowError";
  }
}

interface Slot<T> {
  value: T;
  key: unknown;
}

/**
 * A bounded FIFO between a synchronous producer and an async consumer
 * (`for await (const v of queue)`, or `shift()` to poll). Memory is at most
 * `capacity` values whatever the rates; `dropped` and `conflated` count what
 * the policy discarded.
 */
export class BoundedQueue<T> implements AsyncIterable<T> {
  private readonly ring: (Slot<T> | undefined)[];
  private head = 0;
  private size = 0;
  private readonly byKey = new Map<unknown, Slot<T>>();
  private waiter: ((r: IteratorResult<T>) => void) | undefined;
  private failWaiter: ((e: unknown) => void) | undefined;
  private closed = false;
  private failure: Error | undefined;
  private readonly closers: Unsubscribe[] = [];
  dropped = 0;
  conflated = 0;

  constructor(private readonly options: QueueOptions<T>) {
    if (!(Number.isInteger(options.capacity) && options.capacity >= 1)) throw new RangeError(`queue capacity must be an integer >= 1, got ${options.capacity}`);
    if (options.policy === "conflate" && !options.key) throw new RangeError('queue policy "conflate" needs a key function');
    this.ring = new Array(options.capacity);
  }

  get length(): number {
    return this.size;
  }

  push(value: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failWaiter = undefined;
      w({ value, done: false });
      return;
    }
    const key = this.options.policy === "conflate" ? this.options.key!(value) : undefined;
    if (key !== undefined) {
      const queued = this.byKey.get(key);
      if (queued) {
        queued.value = value;
        this.conflated++;
        return;
      }
    }
    if (this.size === this.options.capacity) {
      if (this.options.policy === "fail") {
        this.fail(new QueueOverflowError(this.options.name ?? "queue", this.options.capacity));
        return;
      }
      this.take();
      this.dropped++;
    }
    const slot = { value, key };
    this.ring[(this.head + this.size) % this.options.capacity] = slot;
    this.size++;
    if (key !== undefined) this.byKey.set(key, slot);
  }

  /** The next value without waiting, or undefined when empty. */
  shift(): T | undefined {
    if (this.failure && this.size === 0) throw this.failure;
    return this.size > 0 ? this.take().value : undefined;
  }

  /** Ends the queue: the consumer reads what is left, then the iteration ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.closers.splice(0)) c();
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = this.failWaiter = undefined;
      w({ value: undefined, done: true });
    }
  }

  /** Runs when the queue closes (used to unsubscribe it from its stream). */
  onClose(fn: Unsubscribe): void {
    if (this.closed) fn();
    else this.closers.push(fn);
  }

  next(): Promise<IteratorResult<T>> {
    // An overflow is reported at once, not after the backlog: what is queued is already incomplete.
    if (this.failure) return Promise.reject(this.failure);
    if (this.size > 0) return Promise.resolve({ value: this.take().value, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next(), return: () => {
      this.close();
      return Promise.resolve({ value: undefined, done: true });
    } };
  }

  private take(): Slot<T> {
    const slot = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.options.capacity;
    this.size--;
    if (slot.key !== undefined) this.byKey.delete(slot.key);
    return slot;
  }

  private fail(error: Error): void {
    this.failure = error;
    this.ring.fill(undefined);
    this.size = 0;
    this.byKey.clear();
    const reject = this.failWaiter;
    this.close();
    reject?.(error);
  }
}
