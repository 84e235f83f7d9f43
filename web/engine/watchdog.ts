// Watches calls to the engine's worker. A worker that throws, dies (a closed worker never
// answers) or loops forever shows up here as a call that rejects or stays silent too long; the
// watchdog then reports one failure for that worker (its "generation") and rejects every call
// still waiting on it, so nothing in the UI waits forever.

/** A call that ended because the worker failed or was replaced, not with an engine answer. */
export class EngineFailure extends Error {
  override name = "EngineFailure";
}

/**
 * How long a call may stay silent. A run reports progress at least every ~100 ms while it
 * works (per step, and per batch of entries inside a long step), and each report re-arms the
 * clock, so only a worker that has stopped is caught. See engine/scenario/LIMITS.md.
 */
export const DEFAULT_SILENCE_MS = 5000;

interface Waiting {
  reject: (e: Error) => void;
  arm: () => void;
  disarm: () => void;
}

export interface WatchdogOptions {
  silenceMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (id: unknown) => void;
}

export class Watchdog {
  /** Bumped each time the worker is replaced; answers from an older worker are ignored. */
  private generation = 0;
  private readonly waiting = new Set<Waiting>();
  private readonly silenceMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (id: unknown) => void;

  constructor(
    private readonly onFailure: (message: string) => void,
    options: WatchdogOptions = {},
  ) {
    this.silenceMs = options.silenceMs ?? DEFAULT_SILENCE_MS;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((id) => clearTimeout(id as ReturnType<typeof setTimeout>));
  }

  /** `call` answered by the current worker, or rejected with EngineFailure if the worker fails. */
  watch<T>(what: string, call: Promise<T>): Promise<T> {
    const gen = this.generation;
    return new Promise<T>((resolve, reject) => {
      let timer: unknown;
      const entry: Waiting = {
        reject,
        arm: () => {
          this.clearTimer(timer);
          timer = this.setTimer(() => {
            this.waiting.delete(entry);
            reject(new EngineFailure(`${what} got no answer for ${this.silenceMs / 1000} s`));
            this.fail(gen, `it did not answer for ${this.silenceMs / 1000} s`);
          }, this.silenceMs);
        },
        disarm: () => this.clearTimer(timer),
      };
      this.waiting.add(entry);
      entry.arm();
      call.then(
        (value) => {
          if (!this.waiting.delete(entry)) return; // already failed or replaced
          entry.disarm();
          resolve(value);
        },
        (error: unknown) => {
          if (!this.waiting.delete(entry)) return;
          entry.disarm();
          const message = error instanceof Error ? error.message : String(error);
          reject(new EngineFailure(`${what} failed: ${message}`));
          this.fail(gen, `it threw an error (${message})`);
        },
      );
    });
  }

  /** The worker showed a sign of life (a progress report): every waiting call gets a fresh clock. */
  alive(): void {
    for (const w of this.waiting) w.arm();
  }

  /** The worker failed outside any call (its error event). */
  workerError(message: string): void {
    this.fail(this.generation, message);
  }

  /** The worker was replaced on purpose (cancel): calls to the old one end without a failure report. */
  replaced(): void {
    this.generation++;
    this.rejectAll("the engine was restarted");
  }

  private fail(gen: number, message: string): void {
    if (gen !== this.generation) return; // that worker is already gone
    this.generation++;
    this.rejectAll(`the engine stopped: ${message}`);
    this.onFailure(message);
  }

  private rejectAll(message: string): void {
    const all = [...this.waiting];
    this.waiting.clear();
    for (const w of all) {
      w.disarm();
      w.reject(new EngineFailure(message));
    }
  }
}
