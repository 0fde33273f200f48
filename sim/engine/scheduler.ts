/**
 * The event list: a binary heap ordered by (time, sequence number), the key ns-3 uses
 * (scheduler.h), so events at the same nanosecond run in the order they were scheduled
 * and every run with the same inputs is identical.
 *
 * Written by hand for speed: the benchmarks in ../shared/bench show that a heap over
 * typed arrays that allocates nothing per event runs ~1.7x faster than one holding a
 * closure per event. Events are (handler, kind, arg) triples; handlers are objects with
 * one method, so the hot path creates no closures. Cancellation marks the slot and the
 * heap skips it when it surfaces.
 */

/** Something that reacts to events; `kind` tells which of its events fired. */
export interface EventHandler {
  handleEvent(kind: number, arg: unknown): void;
}

/** Slots per id: an id is `generation * MAX_SLOTS + slot`, exact in a double. */
const MAX_SLOTS = 2 ** 24;
const INITIAL_CAPACITY = 1024;

/** An event id, for cancellation. */
export type EventId = number;

export class Scheduler {
  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private kinds = new Int32Array(INITIAL_CAPACITY);
  private gens = new Int32Array(INITIAL_CAPACITY);
  private handlers: (EventHandler | undefined)[] = new Array(INITIAL_CAPACITY);
  private args: unknown[] = new Array(INITIAL_CAPACITY);
  /** Heap of slot numbers. */
  private heap = new Int32Array(INITIAL_CAPACITY);
  private size = 0;
  private free: number[] = [];
  private nextSlot = 0;
  private seq = 0;
  /** Events run so far. */
  executed = 0;
  /** The simulated time: that of the event running, or of the last one run. */
  now = 0;
  /** `runUntil` runs no event later than this; a handler may lower it (Simulation.stopAtTime). */
  stopAt = Infinity;

  /** Pending events, cancelled ones included until they surface. */
  get pending(): number {
    return this.size;
  }

  /** Time of the earliest pending event, or Infinity. */
  peekTime(): number {
    this.dropCancelled();
    return this.size === 0 ? Infinity : (this.times[this.heap[0] as number] as number);
  }

  /** Adds an event at absolute time `at`. */
  insert(at: number, handler: EventHandler, kind: number, arg: unknown): EventId {
    const slot = this.allocSlot();
    this.times[slot] = at;
    this.seqs[slot] = this.seq++;
    this.kinds[slot] = kind;
    this.handlers[slot] = handler;
    this.args[slot] = arg;
    this.heap[this.size] = slot;
    this.siftUp(this.size++);
    return (this.gens[slot] as number) * MAX_SLOTS + slot;
  }

  /** Cancels a pending event; cancelling one that ran or was cancelled does nothing. */
  cancel(id: EventId): void {
    const slot = id % MAX_SLOTS;
    if (slot < this.nextSlot && this.gens[slot] === Math.floor(id / MAX_SLOTS)) this.handlers[slot] = undefined;
  }

  /**
   * Runs events in order while the earliest is due at or before `stopAt`. One loop
   * here, not a call per event from the simulation with a callback to set its clock:
   * the loop is the hottest code of a run.
   */
  runUntil(): void {
    for (;;) {
      this.dropCancelled();
      if (this.size === 0) return;
      const slot = this.heap[0] as number;
      const at = this.times[slot] as number;
      if (at > this.stopAt) return;
      this.removeTop();
      const handler = this.handlers[slot] as EventHandler;
      const arg = this.args[slot];
      const kind = this.kinds[slot] as number;
      this.release(slot);
      this.now = at;
      this.executed++;
      handler.handleEvent(kind, arg);
    }
  }

  private dropCancelled(): void {
    while (this.size > 0 && this.handlers[this.heap[0] as number] === undefined) {
      const slot = this.heap[0] as number;
      this.removeTop();
      this.release(slot);
    }
  }

  private removeTop(): void {
    this.size--;
    if (this.size > 0) {
      this.heap[0] = this.heap[this.size] as number;
      this.siftDown(0);
    }
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a] as number;
    const tb = this.times[b] as number;
    return ta < tb || (ta === tb && (this.seqs[a] as number) < (this.seqs[b] as number));
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const slot = heap[i] as number;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as number;
      if (!this.less(slot, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = slot;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = this.size;
    const slot = heap[i] as number;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.less(heap[right] as number, heap[child] as number)) child = right;
      const c = heap[child] as number;
      if (!this.less(c, slot)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = slot;
  }

  private allocSlot(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.nextSlot === this.times.length) this.grow();
    if (this.nextSlot >= MAX_SLOTS) throw new Error(`more than ${MAX_SLOTS} pending events`);
    return this.nextSlot++;
  }

  private release(slot: number): void {
    this.handlers[slot] = undefined;
    this.args[slot] = undefined;
    this.gens[slot] = ((this.gens[slot] as number) + 1) & 0x1fffffff;
    this.free.push(slot);
  }

  private grow(): void {
    const n = this.times.length * 2;
    this.times = copy64(this.times, n);
    this.seqs = copy64(this.seqs, n);
    this.kinds = copy32(this.kinds, n);
    this.gens = copy32(this.gens, n);
    this.heap = copy32(this.heap, n);
    this.handlers.length = n;
    this.args.length = n;
  }
}

function copy64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

function copy32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
