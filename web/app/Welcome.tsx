// The first visit: with no link state (no query, no hash) and nothing saved in this browser, a
// short welcome above the explorer with a way into the first guided tour. Once dismissed (or the
// tour started) it stays dismissed (localStorage). Never in embeds: EmbedApp does not render it.
// Names used by tests: region "Welcome", buttons "Start the guided tour", "Dismiss the welcome".
import { useState } from "react";
import { usePanels } from "../store/panels.ts";
import { SAVED_PREFIX } from "../store/saved.ts";
import { useTour } from "../store/tour.ts";
import "./welcome.css";

export const WELCOME_KEY = "epcm-explorer.v1.welcome-dismissed";

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

/** Whether this visit is a first one: nothing in the link, nothing saved, never dismissed. */
export function isFirstVisit(location: Pick<Location, "search" | "hash">, store: Storage | null): boolean {
  if (location.search.replace(/^\?/, "") !== "" || location.hash.replace(/^#/, "") !== "") return false;
  if (!store) return false;
  if (store.getItem(WELCOME_KEY) !== null) return false;
  for (let i = 0; i < store.length; i++) if (store.key(i)?.startsWith(SAVED_PREFIX)) return false;
  return true;
}

function dismiss(): void {
  try {
    storage()?.setItem(WELCOME_KEY, "1");
  } catch {
    // Storage full or blocked: the welcome closes for this visit only.
  }
}

export function Welcome() {
  const [shown, setShown] = useState(() => isFirstVisit(window.location, storage()));
  if (!shown) return null;
  const close = () => {
    dismiss();
    setShown(false);
  };
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <div className="welcome-text">
        <h2 id="welcome-title">New to SGX? Start here.</h2>
        <p>
          This explorer runs small Intel SGX scenarios step by step and shows the enclave's pages, the EPC and
          the EPCM entries after each step. The first guided tour starts from nothing: what an enclave is and
          what the EPC holds.
        </p>
      </div>
      <div className="welcome-actions">
        <button
          type="button"
          className="welcome-start"
          onClick={async () => {
            close();
            // The tours and their panel load on demand, out of the page's initial JavaScript.
            const [{ TOURS }, { goToStop }] = await Promise.all([
              import("../tours/tours.ts"),
              import("../views/tour/TourPanel.tsx"),
            ]);
            useTour.getState().open(TOURS[0]);
            usePanels.getState().setTab("tour");
            goToStop(TOURS[0], 0);
          }}
        >
          Start the guided tour
        </button>
        <button type="button" onClick={close}>
          Dismiss the welcome
        </button>
      </div>
    </section>
  );
}
