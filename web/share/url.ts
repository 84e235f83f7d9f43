// Share links, the browser part: open what the address bar asks for once at start (and again when
// the user edits the hash), then keep the address bar in step with the store (replaceState, so
// stepping does not flood the history). The link format is in link.ts.
//
// A link that cannot be used (unknown flow, damaged or newer-format scenario, invalid scenario)
// sets a notice naming what is wrong and opens the default flow. It never touches the user's
// saved scenarios.

import { listFlows, machineOptions, validateScenario } from "../store/engine-queries.ts";
import { type ExplorerState, useExplorer } from "../store/explorer.ts";
import { usePanels } from "../store/panels.ts";
import { usePresentMode } from "../store/present.ts";
import { type TourState, useTour } from "../store/tour.ts";
import {
  canonicalFlowId,
  DEFAULT_FLOW,
  type Encoded,
  encodeScenario,
  type Formatted,
  formatLink,
  isEmbedLink,
  type LinkSource,
  type LinkTarget,
  type MachineChoice,
  parseLink,
  type TourLink,
} from "./link.ts";
import { parsePresentation, withPresentation } from "./presentation.ts";

/** Address bar writes are at most this often (browsers throttle or refuse rapid replaceState). */
const WRITE_INTERVAL_MS = 300;

let started = false;
/** While a link is being opened, the address bar is left as the user gave it. */
let opening = 0;
let writeTimer: ReturnType<typeof setTimeout> | undefined;
let lastWriteAt = 0;
/** The search+hash this module last wrote: a hashchange to it is ours, not the user's. */
let lastWritten = "";
const encodedCache = new WeakMap<object, Encoded>();

function encodeCached(scenario: unknown): Encoded {
  if (typeof scenario !== "object" || scenario === null) return encodeScenario(scenario);
  let e = encodedCache.get(scenario);
  if (!e) {
    e = encodeScenario(scenario);
    encodedCache.set(scenario, e);
  }
  return e;
}

function linkSourceOf(s: ExplorerState): LinkSource | null {
  if (!s.source) return null;
  return s.source.kind === "flow"
    ? { kind: "flow", id: s.source.id }
    : { kind: "custom", scenario: s.source.scenario };
}

/** The open tour, while the explorer shows its flow. */
function tourLinkOf(s: ExplorerState, t: Pick<TourState, "tourId" | "tourFlow" | "stop">): TourLink | null {
  if (!t.tourId || s.source?.kind !== "flow" || s.source.id !== t.tourFlow) return null;
  return { id: t.tourId, stop: t.stop };
}

/** The search+hash of a link to what the store shows, or why there is none. */
export function linkFor(
  s: ExplorerState,
  currentSearch = "",
  tour: Pick<TourState, "tourId" | "tourFlow" | "stop"> = useTour.getState(),
): Formatted {
  const source = linkSourceOf(s);
  if (!source || !s.info) return { ok: false, message: "Nothing is loaded yet." };
  const enclave = s.enclave > 0 ? (s.info.enclaveNames[s.enclave] ?? null) : null;
  return formatLink(
    {
      source,
      step: s.step,
      event: s.event,
      enclave,
      tour: tourLinkOf(s, tour),
      ...(s.source?.machine ? { machine: s.source.machine } : {}),
    },
    currentSearch,
    encodeCached,
  );
}

/** The full URL that reopens the current view, for "Copy link". */
export function shareUrl(): { ok: true; url: string } | { ok: false; message: string } {
  const link = linkFor(useExplorer.getState(), window.location.search);
  if (!link.ok) return link;
  const s = useExplorer.getState();
  const sel = s.selection;
  const url = `${window.location.origin}${window.location.pathname}${link.search}${link.hash}`;
  return {
    ok: true,
    url: withPresentation(url, {
      page: sel?.kind === "page" ? sel.offset : null,
      epc: sel?.kind === "epc" ? sel.epc : null,
      pte: s.showPte,
      theme: s.theme === "system" ? null : s.theme,
      present: usePresentMode.getState().on,
    }),
  };
}

/** True when the store shows a settled run whose position can be written to the address bar. */
function settled(s: ExplorerState): boolean {
  return s.source !== null && s.info !== null && s.loading === null && s.errors === null;
}

function writeNow(): void {
  writeTimer = undefined;
  const s = useExplorer.getState();
  if (opening > 0 || !settled(s)) return;
  const link = linkFor(s, window.location.search);
  if (!link.ok) return;
  const next = link.search + link.hash;
  if (window.location.search + window.location.hash === next) return;
  lastWriteAt = Date.now();
  lastWritten = next;
  try {
    window.history.replaceState(window.history.state, "", `${window.location.pathname}${next}`);
  } catch {
    // A browser that refuses (rate limits) leaves the old address; "Copy link" still works.
  }
}

function scheduleWrite(): void {
  if (writeTimer !== undefined) return;
  writeTimer = setTimeout(writeNow, Math.max(0, lastWriteAt + WRITE_INTERVAL_MS - Date.now()));
}

function onStoreChange(s: ExplorerState, prev: ExplorerState): void {
  if (
    s.source === prev.source &&
    s.step === prev.step &&
    s.event === prev.event &&
    s.enclave === prev.enclave &&
    s.info === prev.info &&
    s.loading === prev.loading &&
    s.errors === prev.errors
  )
    return;
  if (settled(s)) scheduleWrite();
}

/** The location last opened: Chromium fires both popstate and hashchange for one hash change. */
let lastOpened = "";

function onNavigate(): void {
  const here = window.location.search + window.location.hash;
  if (here === lastWritten || here === lastOpened) return;
  void openLocation(window.location.search, window.location.hash);
}

function quote(text: string): string {
  return `“${text}”`;
}

function titleOf(scenario: unknown): string {
  const t = (scenario as { title?: unknown } | null)?.title;
  return typeof t === "string" && t.trim() !== "" ? t : "Shared scenario";
}

/**
 * The link's kernel/mutation choice with names the engine does not know dropped (each named in
 * `problems`); the rest of the link opens as asked.
 */
async function checkedMachine(asked: MachineChoice, problems: string[]): Promise<MachineChoice | undefined> {
  const options = await machineOptions();
  const kernels = options.kernels.map((k) => k.id);
  const mutations = options.mutations.map((m) => m.id);
  const machine: MachineChoice = {};
  if (asked.kernel !== undefined) {
    if (kernels.includes(asked.kernel)) machine.kernel = asked.kernel;
    else
      problems.push(
        `This link asks for the kernel ${quote(asked.kernel)}, which EPCM Explorer does not model (versions: ${kernels.join(", ")}); running the scenario's own kernel.`,
      );
  }
  if (asked.mutate !== undefined) {
    const unknown = asked.mutate.filter((m) => !mutations.includes(m));
    const twice = asked.mutate.filter((m, i) => asked.mutate?.indexOf(m) !== i);
    if (unknown.length > 0)
      problems.push(
        `This link asks for the mutation${unknown.length === 1 ? "" : "s"} ${unknown.map(quote).join(", ")}, which EPCM Explorer does not know (mutations: ${mutations.join(", ")}); running the scenario's own mutations.`,
      );
    else if (twice.length > 0)
      problems.push(
        `This link lists the mutation ${quote(twice[0])} twice; running the scenario's own mutations.`,
      );
    else machine.mutate = asked.mutate;
  }
  return machine.kernel !== undefined || machine.mutate !== undefined ? machine : undefined;
}

async function openTarget(t: LinkTarget, search: string): Promise<void> {
  const store = useExplorer.getState();
  const problems = [...t.problems];
  let source = t.source;
  let linkStep = t.step;

  // A tour opens its own flow (at the stop's step) unless the link also names a position.
  let tour: { id: string; flow: string; stop: number } | null = null;
  if (t.tour) {
    // The tours' text is its own chunk, loaded only for a link that names a tour.
    const { findTour, TOURS } = await import("../tours/tours.ts");
    const found = findTour(t.tour.id);
    if (!found) {
      problems.push(
        `There is no tour named ${quote(t.tour.id)} (tours: ${TOURS.map((x) => x.id).join(", ")}).`,
      );
    } else {
      let stop = t.tour.stop;
      if (stop >= found.stops.length) {
        problems.push(
          `The tour ${quote(found.id)} has ${found.stops.length} stops, not ${stop + 1}; starting at its last stop.`,
        );
        stop = found.stops.length - 1;
      }
      if (t.source === null) {
        source = { kind: "flow", id: found.flow };
        linkStep = found.stops[stop].step;
        tour = { id: found.id, flow: found.flow, stop };
      } else if (t.source.kind === "flow" && canonicalFlowId(t.source.id) === found.flow) {
        tour = { id: found.id, flow: found.flow, stop };
      } else {
        problems.push(
          `The tour ${quote(found.id)} walks the flow ${quote(found.flow)}, not this link's scenario; the tour was not opened.`,
        );
      }
    }
  }

  if (source?.kind === "flow") {
    const id = source.id;
    const flows = await listFlows();
    // A flow card shows the selftest's name (epcm_permissions); the link id has dashes. Both open it.
    const known = flows.find((f) => f.id === id) ?? flows.find((f) => f.id === canonicalFlowId(id));
    if (!known) {
      problems.push(
        `There is no built-in flow named ${quote(id)} (known flows: ${flows.map((f) => f.id).join(", ")}).`,
      );
      source = null;
    } else if (known.id !== id) {
      source = { kind: "flow", id: known.id };
    }
  } else if (source?.kind === "custom") {
    const errors = await validateScenario(source.scenario);
    if (errors.length > 0) {
      const shown = errors.slice(0, 3).join("; ");
      const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : "";
      problems.push(`This link's scenario is not valid: ${shown}${more}.`);
      source = null;
    }
  }

  const machine = t.machine ? await checkedMachine(t.machine, problems) : undefined;

  // A position belongs to the scenario it was taken in: it is dropped with a scenario that failed.
  const failed = source === null && (t.source !== null || problems.length > 0);
  const step = source ? linkStep : 0;
  const event = source ? t.event : null;
  const enclave = source ? t.enclave : null;
  if (!source) source = { kind: "flow", id: DEFAULT_FLOW };
  if (failed) problems.push(`Showing the built-in flow ${quote(DEFAULT_FLOW)} instead.`);
  if (problems.length > 0) store.setNotice(problems.join(" "));

  const done =
    source.kind === "flow"
      ? store.loadFlow(source.id, step, machine)
      : store.loadScenario(source.scenario, titleOf(source.scenario), step, machine);
  await done;

  // The user may have picked something else meanwhile: then leave it alone.
  const after = useExplorer.getState();
  if (!after.info || after.errors || !after.source) return;
  if (after.source.kind !== source.kind) return;
  if (after.source.kind === "flow" && source.kind === "flow" && after.source.id !== source.id) return;
  if (after.source.kind === "custom" && source.kind === "custom" && after.source.scenario !== source.scenario)
    return;

  if (tour && after.source.kind === "flow") {
    const tours = useTour.getState();
    tours.open(tour);
    tours.setStop(tour.stop);
    usePanels.getState().setTab("tour");
  }

  const total = after.info.steps.length;
  const late: string[] = [];
  if (step > total) {
    late.push(
      `This link asks for step ${step}, but the scenario has ${total} step${total === 1 ? "" : "s"}; showing the last one.`,
    );
  }
  if (enclave !== null) {
    const index = after.info.enclaveNames.indexOf(enclave);
    if (index >= 0) after.selectEnclave(index);
    else late.push(`This link names the enclave ${quote(enclave)}, which this scenario does not have.`);
  }
  if (event !== null && step >= 1 && step <= total) {
    const n = after.info.steps[step - 1].events.length;
    if (event < n) await after.seek(step, event);
    else
      late.push(
        `This link asks for event ${event + 1} of step ${step}, which has ${n}; showing the whole step.`,
      );
  }
  // Presentation: the selected page, "Show VMA/PTE", the theme (presentation.ts).
  const shown = parsePresentation(search);
  late.push(...shown.problems);
  const now = useExplorer.getState();
  if (shown.presentation.pte) now.setShowPte(true);
  if (shown.presentation.present && !isEmbedLink(search)) usePresentMode.getState().setOn(true);
  // An embed fixes its theme without remembering it (EmbedApp); the full app remembers it.
  if (shown.presentation.theme && !isEmbedLink(search)) now.setTheme(shown.presentation.theme);
  const name = now.info?.enclaveNames[now.enclave];
  if (shown.presentation.page !== null && name !== undefined)
    await now.select({ kind: "page", enclave: name, offset: shown.presentation.page });
  else if (shown.presentation.epc !== null) await now.select({ kind: "epc", epc: shown.presentation.epc });
  if (late.length > 0) {
    const earlier = problems.length > 0 ? `${problems.join(" ")} ` : "";
    useExplorer.getState().setNotice(earlier + late.join(" "));
  }
}

/** Opens what a location asks for (see link.ts for the format). */
export async function openLocation(search: string, hash: string): Promise<void> {
  lastOpened = search + hash;
  opening++;
  try {
    await openTarget(parseLink(search, hash), search);
  } catch (e) {
    useExplorer.getState().setNotice(`The link could not be opened: ${(e as Error).message}`);
  } finally {
    opening--;
    scheduleWrite();
  }
}

/** Called once by App: opens the URL's flow or scenario and keeps the URL in sync afterwards. */
export function startFromLocation(): void {
  if (started) return;
  started = true;
  useExplorer.subscribe(onStoreChange);
  // Opening, moving through or leaving a tour changes the link too.
  useTour.subscribe((t, prev) => {
    if (t.tourId !== prev.tourId || t.stop !== prev.stop) scheduleWrite();
  });
  window.addEventListener("hashchange", onNavigate);
  window.addEventListener("popstate", onNavigate);
  void openLocation(window.location.search, window.location.hash);
}
