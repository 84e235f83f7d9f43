// Light, dark, or the system's choice (the default: prefers-color-scheme). The store holds the
// choice; this sets <html data-theme> ("light"/"dark", removed for system) and remembers it in
// localStorage. theme.css does the rest, and canvas views repaint when the store's theme changes.
import { useEffect, useId } from "react";
import { type Theme, useExplorer } from "../store/explorer.ts";
import "./scenario.css";

export const THEME_KEY = "epcm-explorer.v1.theme";

function isTheme(v: unknown): v is Theme {
  return v === "system" || v === "light" || v === "dark";
}

/** The remembered choice ("system" when none, or when storage is unavailable). */
export function storedTheme(): Theme {
  try {
    const v = localStorage.getItem(THEME_KEY);
    return isTheme(v) ? v : "system";
  } catch {
    return "system";
  }
}

/** Sets <html data-theme> for a choice and remembers it. */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
  try {
    if (theme === "system") localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Not remembered across reloads, but still applied.
  }
}

let initialized = false;

/** Applies the remembered choice and follows the store from then on (once per page). */
export function initTheme(): void {
  if (initialized) return;
  initialized = true;
  const theme = storedTheme();
  if (useExplorer.getState().theme !== theme) useExplorer.getState().setTheme(theme);
  applyTheme(useExplorer.getState().theme);
  useExplorer.subscribe((s, prev) => {
    if (s.theme !== prev.theme) applyTheme(s.theme);
  });
}

// Before the first paint where possible: the module is imported with the app.
if (typeof document !== "undefined") initTheme();

export function ThemeToggle() {
  const id = useId();
  const theme = useExplorer((s) => s.theme);
  const setTheme = useExplorer((s) => s.setTheme);
  useEffect(initTheme, []);
  return (
    <div className="theme-toggle">
      <label htmlFor={id}>Theme</label>
      <select id={id} value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </div>
  );
}
