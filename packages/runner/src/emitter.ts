/**
 * A small typed emitter, and async iteration over one of its events. Unlike Node's
 * EventEmitter, emitting `error` with no listener is harmless, and a listener that throws is
 * reported to `onListenerError` instead of breaking the run.
 */
type Listener<T> = (value: T) => void;

export class TypedEmitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(name, listener);
  }

  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(name)?.delete(listener as Listener<never>);
  }

  /** Whether `name` has a listener: lets a caller skip building values nobody would receive. */
  has<K extends keyof Events>(name: K): boolean {
    return (this.#listeners.get(name)?.size ?? 0) > 0;
  }

  emit<K extends keyof Events>(name: K, value: Events[K]): void {
    const set = this.#listeners.get(name);
    if (!set || set.size === 0) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}

/**
 * An async iterable over values pushed to it until `end()`. Each iterator sees the values pushed
 * after it was created (a run's events can only arrive after `run()` has returned, so iterating
 * right away sees them all); values wait in memory until read.
 */
export class Broadcast<T> implements AsyncIterable<T> {
  readonly #subscribers = new Set<{ queue: T[]; wake?: () => void }>();
  #ended = false;

  push(value: T): void {
    for (const sub of this.#subscribers) {
      sub.queue.push(value);
      sub.wake?.();
    }
  }

  end(): void {
    this.#ended = true;
    for (const sub of this.#subscribers) sub.wake?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const sub: { queue: T[]; wake?: () => void } = { queue: [] };
    this.#subscribers.add(sub);
    const finish = (): IteratorResult<T> => {
      this.#subscribers.delete(sub);
      return { done: true, value: undefined };
    };
    return {
      next: async () => {
        for (;;) {
          if (sub.queue.length > 0) return { done: false, value: sub.queue.shift()! };
          if (this.#ended) return finish();
          await new Promise<void>((resolve) => (sub.wake = resolve));
          sub.wake = undefined;
        }
      },
      return: async () => finish(),
    };
  }
}
