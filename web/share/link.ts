// Share links, the pure part: what a link says (flow or custom scenario, step, event, enclave)
// and how a custom scenario travels in the hash. No DOM, no store: url.ts does the rest.
//
// Link contract:
//   ?flow=<id>[&step=<n>][&event=<k>][&enclave=<name>]         a built-in flow
//   #s=<version>.<payload>[&step=<n>][&event=<k>][&enclave=<name>]   a custom scenario
//   ?tour=<id>[&stop=<n>]                                        a guided tour at a stop
//   [&kernel=<version>][&mutate=<name>,<name>…]                  with either of the first two
// `kernel` and `mutate` are the kernel and what-if pickers' choice (machine.kernel and
// machine.mutate, replacing the scenario's own); `mutate=` with nothing after it means no
// mutations. A link without them runs the scenario as written. They travel where `step` does.
// A tour walks a built-in flow: alone it opens that flow at the stop's step (stop 1 when none is
// given); with `flow`/`step` too (as the address bar writes it while a tour is open) the position
// is theirs and the tour panel follows it. `stop` is 1-based.
// `payload` is the scenario's JSON, UTF-8, compressed with raw DEFLATE, in base64url without
// padding. `step` counts completed steps (as "Step N of M"); `event` is 1-based (the first event
// of step `step` is event=1); `enclave` names the enclave shown when it is not the first one.
// `step`, `event` and `enclave` are also read from the query when the scenario is in the hash.

import { deflateSync, Inflate } from "fflate";

/** The link format this version writes and reads. */
export const LINK_VERSION = 1;
/** The built-in flow opened when a link names none or cannot be read. */
export const DEFAULT_FLOW = "augment";
/** Longest payload (base64url characters) read from a link. */
export const MAX_PAYLOAD_CHARS = 4 * 1024 * 1024;
/** Largest scenario JSON (bytes) a link may unpack to: a hostile link cannot exhaust the tab. */
export const MAX_SCENARIO_BYTES = 5 * 1024 * 1024;

export type LinkSource = { kind: "flow"; id: string } | { kind: "custom"; scenario: unknown };

export interface LinkTarget {
  source: LinkSource | null;
  /** Completed steps (0 when the link gives none). */
  step: number;
  /** 0-based event index inside `step`, or null. */
  event: number | null;
  /** Enclave name, or null for the first one. */
  enclave: string | null;
  /** The guided tour to open and its stop (0-based), or null. */
  tour: TourLink | null;
  /** The kernel/mutation pickers' choice, when the link has one (names unchecked here). */
  machine?: MachineChoice;
  /** What in the link could not be used, in words a user understands. */
  problems: string[];
}

/** `kernel=` and `mutate=` of a link (see the contract above). */
export interface MachineChoice {
  kernel?: string;
  mutate?: string[];
}

export interface TourLink {
  id: string;
  /** 0-based. */
  stop: number;
}

export type Decoded = { ok: true; scenario: unknown } | { ok: false; message: string };

// ---------------------------------------------------------------------------------------------
// base64url (RFC 4648 §5), no padding.

export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Bytes of a base64url text, or null when it is not base64url. */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// DEFLATE, bounded.

class TooLarge extends Error {}

/**
 * Inflates raw DEFLATE data, stopping as soon as the output passes `maxBytes` (the input is fed
 * in small slices, so at most about a megabyte is produced past the cap before it stops).
 */
export function inflateBounded(data: Uint8Array, maxBytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const inflate = new Inflate((chunk) => {
    total += chunk.length;
    if (total > maxBytes) throw new TooLarge();
    parts.push(chunk);
  });
  const SLICE = 1024;
  if (data.length === 0) inflate.push(data, true);
  for (let i = 0; i < data.length; i += SLICE) {
    inflate.push(data.subarray(i, Math.min(data.length, i + SLICE)), i + SLICE >= data.length);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toLocaleString("en-US", { maximumFractionDigits: 1 })} MB`;
}

// ---------------------------------------------------------------------------------------------
// The hash payload.

export type Encoded = { ok: true; value: string } | { ok: false; message: string };

/** `<version>.<payload>` for a scenario, or why it cannot travel in a link. */
export function encodeScenario(scenario: unknown): Encoded {
  const json = JSON.stringify(scenario);
  if (json === undefined) return { ok: false, message: "There is no scenario to put in a link." };
  const bytes = new TextEncoder().encode(json);
  if (bytes.length > MAX_SCENARIO_BYTES) {
    return {
      ok: false,
      message: `This scenario is too large for a link (${megabytes(bytes.length)}; links carry at most ${megabytes(MAX_SCENARIO_BYTES)}). Use "Export scenario" to share it as a file.`,
    };
  }
  return { ok: true, value: `${LINK_VERSION}.${toBase64Url(deflateSync(bytes, { level: 9 }))}` };
}

/** The scenario in a `<version>.<payload>` text (the value of `#s=`), or what is wrong with it. */
export function decodeScenario(value: string): Decoded {
  const dot = value.indexOf(".");
  const versionText = dot < 0 ? value : value.slice(0, dot);
  if (!/^[0-9]{1,9}$/.test(versionText)) {
    return {
      ok: false,
      message: `This link's scenario cannot be read: it should start with a link format number and a dot ("s=${LINK_VERSION}.…").`,
    };
  }
  const version = Number(versionText);
  if (version > LINK_VERSION) {
    return {
      ok: false,
      message: `This link was made by a newer version of EPCM Explorer (link format ${version}); this version reads format ${LINK_VERSION}.`,
    };
  }
  if (version !== LINK_VERSION) {
    return {
      ok: false,
      message: `This link's scenario uses link format ${version}, which EPCM Explorer never wrote; this version reads format ${LINK_VERSION}.`,
    };
  }
  if (dot < 0 || dot === value.length - 1) {
    return { ok: false, message: "This link's scenario is empty: nothing follows the link format number." };
  }
  const payload = value.slice(dot + 1);
  if (payload.length > MAX_PAYLOAD_CHARS) {
    return {
      ok: false,
      message: `This link's scenario is too long (${payload.length.toLocaleString("en-US")} characters); links carry at most ${MAX_PAYLOAD_CHARS.toLocaleString("en-US")}.`,
    };
  }
  const bytes = fromBase64Url(payload);
  if (!bytes) {
    return {
      ok: false,
      message:
        "This link's scenario is damaged: it is not valid base64url text (was the link cut short or changed?).",
    };
  }
  let inflated: Uint8Array;
  try {
    inflated = inflateBounded(bytes, MAX_SCENARIO_BYTES);
  } catch (e) {
    if (e instanceof TooLarge) {
      return {
        ok: false,
        message: `This link's scenario unpacks to more than ${megabytes(MAX_SCENARIO_BYTES)}, the limit; it was not opened.`,
      };
    }
    return {
      ok: false,
      message: `This link's scenario is damaged: its compressed data cannot be unpacked (${(e as Error).message}).`,
    };
  }
  let json: string;
  try {
    json = new TextDecoder("utf-8", { fatal: true }).decode(inflated);
  } catch {
    return { ok: false, message: "This link's scenario is damaged: it does not unpack to text." };
  }
  try {
    return { ok: true, scenario: JSON.parse(json) };
  } catch (e) {
    return {
      ok: false,
      message: `This link's scenario is damaged: it does not unpack to valid JSON (${(e as Error).message}).`,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Reading and writing the whole link.

const FLOW_ID = /^[A-Za-z0-9_.-]{1,100}$/;

/** A built-in flow's id from either spelling: "epcm_permissions" (the selftest's) → "epcm-permissions". */
export function canonicalFlowId(id: string): string {
  return id.trim().toLowerCase().replace(/_/g, "-");
}
const ENCLAVE_NAME = /^[A-Za-z0-9_.-]{1,32}$/;

function shown(text: string): string {
  return text.length > 40 ? `“${text.slice(0, 40)}…”` : `“${text}”`;
}

/** What a location (its `search` and `hash`) asks to open. Never throws. */
export function parseLink(search: string, hash: string): LinkTarget {
  const query = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  const fragment = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  const problems: string[] = [];
  const param = (name: string): string | null => fragment.get(name) ?? query.get(name);

  let source: LinkSource | null = null;
  const s = fragment.get("s");
  const flow = query.get("flow");
  if (s !== null) {
    const decoded = decodeScenario(s);
    if (decoded.ok) source = { kind: "custom", scenario: decoded.scenario };
    else problems.push(decoded.message);
  } else if (flow !== null) {
    if (FLOW_ID.test(flow)) source = { kind: "flow", id: flow };
    else problems.push(`This link names the flow ${shown(flow)}, which is not a flow name.`);
  }

  let step = 0;
  const stepText = param("step");
  if (stepText !== null) {
    if (/^[0-9]{1,9}$/.test(stepText)) step = Number(stepText);
    else
      problems.push(`This link's step ${shown(stepText)} is not a step number; starting at the beginning.`);
  }

  let event: number | null = null;
  const eventText = param("event");
  if (eventText !== null) {
    if (/^[0-9]{1,9}$/.test(eventText) && Number(eventText) >= 1) event = Number(eventText) - 1;
    else
      problems.push(
        `This link's event ${shown(eventText)} is not an event number (1, 2, …); showing the whole step.`,
      );
  }

  let enclave: string | null = null;
  const enclaveText = param("enclave");
  if (enclaveText !== null) {
    if (ENCLAVE_NAME.test(enclaveText)) enclave = enclaveText;
    else problems.push(`This link's enclave ${shown(enclaveText)} is not an enclave name.`);
  }

  let tour: TourLink | null = null;
  const tourText = query.get("tour");
  const stopText = query.get("stop");
  if (tourText !== null) {
    if (!FLOW_ID.test(tourText))
      problems.push(`This link names the tour ${shown(tourText)}, which is not a tour name.`);
    else {
      tour = { id: tourText, stop: 0 };
      if (stopText !== null) {
        if (/^[0-9]{1,9}$/.test(stopText) && Number(stopText) >= 1) tour.stop = Number(stopText) - 1;
        else
          problems.push(
            `This link's tour stop ${shown(stopText)} is not a stop number (1, 2, …); starting at stop 1.`,
          );
      }
    }
  }

  const machine = parseMachine(param, problems);
  return { source, step, event, enclave, tour, ...(machine ? { machine } : {}), problems };
}

const MACHINE_NAME = /^[A-Za-z0-9.+_-]{1,40}$/;

function parseMachine(param: (name: string) => string | null, problems: string[]): MachineChoice | null {
  const machine: MachineChoice = {};
  // A "+" typed into a query reads as a space ("v6.6+edmm-races").
  const kernel = param("kernel")?.replace(/ /g, "+") ?? null;
  if (kernel !== null) {
    if (MACHINE_NAME.test(kernel)) machine.kernel = kernel;
    else
      problems.push(
        `This link's kernel ${shown(kernel)} is not a kernel version name; running the scenario's own kernel.`,
      );
  }
  const mutate = param("mutate");
  if (mutate !== null) {
    const names = mutate === "" ? [] : mutate.split(",").map((m) => m.trim());
    const bad = names.filter((m) => !MACHINE_NAME.test(m));
    if (bad.length > 0)
      problems.push(
        `This link's mutation list ${shown(mutate)} has ${bad.map((m) => shown(m)).join(", ")}, which ${bad.length === 1 ? "is not a mutation name" : "are not mutation names"}; running the scenario's own mutations.`,
      );
    else machine.mutate = names;
  }
  return machine.kernel !== undefined || machine.mutate !== undefined ? machine : null;
}

/** The link parameters of a machine choice, in link order. */
function machineParams(machine: MachineChoice | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (machine?.kernel !== undefined) out.push(["kernel", machine.kernel]);
  if (machine?.mutate !== undefined) out.push(["mutate", machine.mutate.join(",")]);
  return out;
}

/** `?embed=1`: the compact layout for an iframe (grids, narration and stepper only). */
export function isEmbedLink(search: string): boolean {
  const query = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  return query.get("embed") === "1";
}

/** The same link without `embed=1`: what "Open in EPCM Explorer" opens. */
export function withoutEmbed(url: string): string {
  const u = new URL(url);
  u.searchParams.delete("embed");
  return u.toString();
}

export interface LinkState {
  source: LinkSource;
  step: number;
  /** 0-based, or null. */
  event: number | null;
  /** Enclave name, or null for the first one. */
  enclave: string | null;
  /** The open guided tour (built-in flows only), or null. */
  tour?: TourLink | null;
  /** The kernel/mutation pickers' choice, when one is made. */
  machine?: MachineChoice;
}

const OUR_PARAMS = ["flow", "step", "event", "enclave", "s", "tour", "stop", "kernel", "mutate"];

export type Formatted = { ok: true; search: string; hash: string } | { ok: false; message: string };

/**
 * The `search` and `hash` of a link to `state`, keeping any unrelated query parameters of
 * `currentSearch`. A custom scenario is encoded once per object (see encodeScenario).
 */
export function formatLink(state: LinkState, currentSearch = "", encode = encodeScenario): Formatted {
  const query = new URLSearchParams(currentSearch.startsWith("?") ? currentSearch.slice(1) : currentSearch);
  for (const p of OUR_PARAMS) query.delete(p);
  const position: Array<[string, string]> = [];
  if (state.step > 0) position.push(["step", String(state.step)]);
  if (state.event !== null && state.step > 0) position.push(["event", String(state.event + 1)]);
  if (state.enclave !== null) position.push(["enclave", state.enclave]);
  position.push(...machineParams(state.machine));

  if (state.source.kind === "flow") {
    query.set("flow", state.source.id);
    for (const [k, v] of position) query.set(k, v);
    if (state.tour) {
      query.set("tour", state.tour.id);
      query.set("stop", String(state.tour.stop + 1));
    }
    return { ok: true, search: `?${query.toString()}`, hash: "" };
  }
  const encoded = encode(state.source.scenario);
  if (!encoded.ok) return encoded;
  const rest = query.toString();
  const search = rest ? `?${rest}` : "";
  const hash = `#${[`s=${encoded.value}`, ...position.map(([k, v]) => `${k}=${encodeURIComponent(v)}`)].join("&")}`;
  return { ok: true, search, hash };
}
