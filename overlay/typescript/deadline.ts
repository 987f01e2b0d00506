// One deadline per call: an AbortSignal that fires when the call's time is up or when the
// caller's own signal does. Every attempt, every wait and every body byte runs under it,
// so a server that never answers, or drips one byte at a time, ends the call on time.
import { EkoConfigurationError } from "./errors.js";

/** The abort reason when the call's own time is up. */
export class DeadlineReached extends Error {}

// setTimeout fires at once for a delay past 2^31 - 1 ms.
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly caller: AbortSignal | undefined;
  private readonly onCaller: (() => void) | undefined;
  private abortedPromise: Promise<never> | undefined;
  /** `performance.now()` at which the call's time is up */
  readonly until: number;

  constructor(timeoutMs: number, caller: AbortSignal | undefined) {
    this.until = performance.now() + timeoutMs;
    this.caller = caller;
    if (caller?.aborted === true) {
      this.controller.abort(caller.reason);
      return;
    }
    this.timer = setTimeout(() => this.controller.abort(new DeadlineReached()), timeoutMs);
    if (caller !== undefined) {
      this.onCaller = () => this.controller.abort(caller.reason);
      caller.addEventListener("abort", this.onCaller, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Whether the caller's signal, rather than the call's time, ended it. */
  get byCaller(): boolean {
    return this.aborted && !(this.controller.signal.reason instanceof DeadlineReached);
  }

  /** Milliseconds left. */
  remaining(): number {
    return this.until - performance.now();
  }

  /** `work`, or a rejection as soon as the deadline fires (for a fetch that does not
   * honour its signal). */
  race<T>(work: Promise<T>): Promise<T> {
    this.abortedPromise ??= new Promise<never>((_, reject) => {
      const signal = this.controller.signal;
      if (signal.aborted) reject(signal.reason);
      else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
    this.abortedPromise.catch(() => undefined);
    return Promise.race([work, this.abortedPromise]);
  }

  /** Waits `ms`, or rejects when the deadline fires first. */
  sleep(ms: number): Promise<void> {
    const signal = this.controller.signal;
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const stop = (): void => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", stop);
        resolve();
      }, ms);
      signal.addEventListener("abort", stop, { once: true });
    });
  }

  /** Stops the timer and lets go of the caller's signal. */
  clear(): void {
    clearTimeout(this.timer);
    if (this.onCaller !== undefined) this.caller?.removeEventListener("abort", this.onCaller);
  }
}

/** A positive number of milliseconds, else EkoConfigurationError naming it. */
export function checkMs(name: string, value: unknown): number {
  if (typeof value !== "number" || !(value > 0) || value > MAX_TIMEOUT_MS) {
    throw new EkoConfigurationError(`${name} must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, not ${String(value)}`);
  }
  return value;
}
