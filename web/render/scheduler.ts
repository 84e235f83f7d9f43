// The one frame scheduler for every canvas redraw: views ask for a draw under a key, and all the
// draws asked for before the next animation frame run once, together, in that frame. Asking
// twice for the same key before the frame runs the draw once (the later request wins). A draw
// that returns true is asked for again in the next frame (short animations, e.g. a flash).

export type DrawJob = (now: number) => boolean | undefined;

const pending = new Map<unknown, DrawJob>();
let frameId: number | null = null;
let timerId: ReturnType<typeof setTimeout> | null = null;

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

function requestFrame(): void {
  if (frameId !== null || timerId !== null) return;
  if (typeof requestAnimationFrame === "function") frameId = requestAnimationFrame(runFrame);
  else timerId = setTimeout(() => runFrame(now()), 16);
}

function runFrame(time: number): void {
  frameId = null;
  timerId = null;
  const jobs = [...pending];
  pending.clear();
  for (const [key, job] of jobs) {
    let again = false;
    try {
      again = job(time) === true;
    } catch (e) {
      // One failing layer must not stop the others from painting.
      queueMicrotask(() => {
        throw e;
      });
    }
    if (again && !pending.has(key)) pending.set(key, job);
  }
  if (pending.size > 0) requestFrame();
}

/** Run `job` in the next animation frame (once, however often it is asked for under `key`). */
export function scheduleDraw(key: unknown, job: DrawJob): void {
  pending.set(key, job);
  requestFrame();
}

/** Drop a draw that has not run yet (e.g. the canvas is unmounting). */
export function cancelDraw(key: unknown): void {
  pending.delete(key);
}

/** Whether a draw is waiting for the next frame under `key`. */
export function isDrawPending(key: unknown): boolean {
  return pending.has(key);
}

/** Run every pending draw now (tests, and before taking a measurement). */
export function flushDraws(): void {
  if (frameId !== null && typeof cancelAnimationFrame === "function") cancelAnimationFrame(frameId);
  if (timerId !== null) clearTimeout(timerId);
  frameId = null;
  timerId = null;
  if (pending.size > 0) runFrame(now());
}
