// In-page instrumentation for `npm run bench:ui` (injected before the app's own scripts run, as a
// plain browser script: it is not bundled or transpiled). It only observes: it never calls into
// the app. Everything it records is in the page's performance.now() time base.
//
//   - every animation frame's timestamp (a rAF loop that runs from the start);
//   - long tasks (PerformanceObserver "longtask");
//   - repaints of the EPC grid's two canvases (clearRect on them: each draw starts with one);
//   - messages from the engine's worker (count, bytes of typed arrays, rough bytes of the rest),
//     and workers created and terminated;
//   - for a step click: the click's timestamp, when "Step N of M" shows the expected text, and
//     when the frame that shows it has been painted.
//
// The runner reads it through window.uiBench (string expressions passed to page.evaluate).
(() => {
  if (window.uiBench) return;
  const now = () => performance.now();

  // Animation frames.
  const frames = [];
  const onFrame = (t) => {
    frames.push(t);
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);

  // Long tasks.
  const longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // Not supported: the frame log still tells freezes.
  }

  // EPC grid repaints. The grid is two stacked canvases; the top one is the role="img" element
  // named "EPC pages", the bottom one (the cells) is its previous sibling.
  const epcDraws = { base: [], overlay: [] };
  const isEpc = (c) => c instanceof HTMLCanvasElement && c.getAttribute("aria-label") === "EPC pages";
  const clearRect = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function (...args) {
    const c = this.canvas;
    if (isEpc(c)) epcDraws.overlay.push(now());
    else if (c && isEpc(c.nextElementSibling)) epcDraws.base.push(now());
    return clearRect.apply(this, args);
  };

  // Worker messages and lifetimes.
  const messages = [];
  const calls = [];
  const workers = { created: 0, terminated: 0 };
  const sizeOf = (value, seen) => {
    // [typed-array bytes, other bytes (rough: strings by length, numbers 8, keys by length)]
    if (value === null || value === undefined) return [0, 4];
    const t = typeof value;
    if (t === "number") return [0, 8];
    if (t === "boolean") return [0, 4];
    if (t === "string") return [0, value.length + 2];
    if (t !== "object") return [0, 8];
    if (ArrayBuffer.isView(value)) return [value.byteLength, 0];
    if (value instanceof ArrayBuffer) return [value.byteLength, 0];
    if (seen.has(value)) return [0, 0];
    seen.add(value);
    let typed = 0;
    let other = 2;
    if (Array.isArray(value)) {
      for (const v of value) {
        const [a, b] = sizeOf(v, seen);
        typed += a;
        other += b + 1;
      }
    } else {
      for (const k of Object.keys(value)) {
        const [a, b] = sizeOf(value[k], seen);
        typed += a;
        other += b + k.length + 3;
      }
    }
    return [typed, other];
  };
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      workers.created++;
      this.addEventListener("message", (e) => {
        const [typed, other] = sizeOf(e.data, new Set());
        messages.push({ t: now(), typed, other });
      });
    }
    postMessage(message, ...rest) {
      // Requests to the engine (comlink names the method it calls in `path`).
      if (message && Array.isArray(message.path)) calls.push({ t: now(), path: message.path.join(".") });
      return super.postMessage(message, ...rest);
    }
    terminate() {
      workers.terminated++;
      return super.terminate();
    }
  };

  // After the frame that is being prepared has been painted: a task queued from the next
  // animation frame callback runs once that frame's rendering is done.
  const afterNextPaint = () =>
    new Promise((resolve) => {
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => resolve(now());
        ch.port2.postMessage(null);
      });
    });

  const stepText = () => document.querySelector(".stepper-step")?.textContent?.trim() ?? "";

  let armed = null;
  let loadDone = null;

  /** Frame statistics for [t0, t1] (ms): fps, the longest gap between frames, dropped frames. */
  const frameStats = (t0, t1, interval) => {
    const inside = frames.filter((t) => t >= t0 && t <= t1);
    const dur = Math.max(1, t1 - t0);
    let maxGap = 0;
    let dropped = 0;
    let prev = t0;
    for (const t of [...inside, t1]) {
      const gap = t - prev;
      if (gap > maxGap) maxGap = gap;
      prev = t;
    }
    for (let i = 1; i < inside.length; i++) {
      const gap = inside[i] - inside[i - 1];
      dropped += Math.max(0, Math.round(gap / interval) - 1);
    }
    const tasks = longTasks.filter((x) => x.start + x.duration >= t0 && x.start <= t1);
    const draws = (a) => a.filter((t) => t >= t0 && t <= t1).length;
    return {
      frames: inside.length,
      ms: dur,
      fps: (inside.length * 1000) / dur,
      maxGap,
      dropped,
      droppedPct: inside.length + dropped > 0 ? (100 * dropped) / (inside.length + dropped) : 0,
      longTasks: tasks.length,
      longestTask: tasks.reduce((m, x) => Math.max(m, x.duration), 0),
      epcBaseDraws: draws(epcDraws.base),
      epcOverlayDraws: draws(epcDraws.overlay),
    };
  };

  window.uiBench = {
    now,
    stepText,
    frameStats,

    /** The median interval between animation frames over the last `ms` (the display's cadence). */
    frameInterval(ms) {
      const t1 = now();
      const xs = frames.filter((t) => t >= t1 - ms);
      const gaps = [];
      for (let i = 1; i < xs.length; i++) gaps.push(xs[i] - xs[i - 1]);
      gaps.sort((a, b) => a - b);
      return gaps.length ? gaps[Math.floor(gaps.length / 2)] : 1000 / 60;
    },

    messagesSince(t0) {
      return messages.filter((m) => m.t >= t0);
    },

    /** Requests the page made to the engine since t0 (method names). */
    callsSince(t0) {
      return calls.filter((c) => c.t >= t0).map((c) => c.path);
    },

    workers() {
      return { ...workers };
    },

    /**
     * Get ready to time one click that should make the stepper read `expected`. The result
     * (uiBench.stepResult()) has the click's timestamp, when the text changed, when the frame
     * showing it was painted, and whether the EPC grid was repainted in between.
     */
    armStep(expected) {
      if (armed) armed.cleanup();
      const state = { expected, click: null, text: null, painted: null, done: null, error: null };
      let resolve;
      state.done = new Promise((r) => {
        resolve = r;
      });
      const onClick = (e) => {
        if (state.click === null) state.click = e.timeStamp;
      };
      document.addEventListener("click", onClick, true);
      const check = () => {
        if (state.text !== null || state.click === null) return;
        if (stepText() !== expected) return;
        state.text = now();
        observer.disconnect();
        afterNextPaint().then((t) => {
          state.painted = t;
          finish();
        });
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
      const timer = setTimeout(() => {
        state.error = `timed out: the stepper reads "${stepText()}", expected "${expected}"`;
        finish();
      }, 30000);
      const cleanup = () => {
        observer.disconnect();
        clearTimeout(timer);
        document.removeEventListener("click", onClick, true);
      };
      const finish = () => {
        cleanup();
        const { click, text, painted } = state;
        const between = (a) => click !== null && a.some((t) => t >= click && t <= (painted ?? now()));
        // The engine's answer: the first message carrying typed arrays (the state view).
        const reply = click !== null ? messages.find((m) => m.t >= click && m.typed > 0) : undefined;
        // Long tasks are reported late (the observer's callback is queued): the runner asks
        // for them afterwards with frameStats(click, painted).
        resolve({
          expected,
          error: state.error,
          click,
          painted,
          latency: painted !== null && click !== null ? painted - click : null,
          toText: text !== null && click !== null ? text - click : null,
          toReply: reply && click !== null && (text === null || reply.t <= text) ? reply.t - click : null,
          epcRepainted: between(epcDraws.base),
        });
      };
      armed = { cleanup, result: state.done };
      return true;
    },

    stepResult() {
      return armed ? armed.result : null;
    },

    /**
     * Watch a scenario load: call before triggering it. uiBench.loadResult() resolves once the
     * run's status has gone, the stepper reads "Step 0 of …" and the header shows `title`, and
     * the frame showing it was painted. Progress values are sampled every frame.
     */
    watchLoad(title, timeoutMs = 600000) {
      const w = {
        start: now(),
        statusFirst: null,
        statusLast: null,
        progress: [],
        texts: new Set(),
        loaded: null,
        painted: null,
        cancelShown: false,
      };
      let resolve;
      const done = new Promise((r) => {
        resolve = r;
      });
      const deadline = w.start + timeoutMs;
      const poll = () => {
        const t = now();
        const status = document.querySelector('.status [role="status"]');
        if (status) {
          if (w.statusFirst === null) w.statusFirst = t;
          w.statusLast = t;
          const bar = status.querySelector("progress");
          if (bar) {
            const key = `${bar.value}/${bar.max}`;
            const last = w.progress[w.progress.length - 1];
            if (!last || last.key !== key) w.progress.push({ t, key, value: bar.value, max: bar.max });
          }
          w.texts.add(status.textContent ?? "");
          if ([...status.querySelectorAll("button")].some((b) => b.textContent?.includes("Cancel")))
            w.cancelShown = true;
        }
        const title0 = document.querySelector(".app-title")?.textContent?.trim() ?? "";
        if (!status && w.statusFirst !== null && title0 === title && /^Step 0 of \d+$/.test(stepText())) {
          w.loaded = t;
          afterNextPaint().then((p) => {
            w.painted = p;
            resolve({ ...w, texts: [...w.texts].slice(0, 5), steps: stepText() });
          });
          return;
        }
        if (t > deadline) {
          resolve({ ...w, texts: [...w.texts].slice(0, 5), steps: stepText(), error: "timed out" });
          return;
        }
        requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
      loadDone = done;
      return w.start;
    },

    loadResult() {
      return loadDone;
    },
  };
})();
