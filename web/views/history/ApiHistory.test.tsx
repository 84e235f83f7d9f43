// @vitest-environment happy-dom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { useExplorer } from "../../store/explorer.ts";
import { flowSession } from "../fixtures.ts";
import { ApiHistory } from "./ApiHistory.tsx";
import { API_HISTORY } from "./api-history.ts";

const initial = useExplorer.getState();

describe("ApiHistory", () => {
  afterEach(() => {
    cleanup();
    useExplorer.setState(initial, true);
  });

  it("lists V1 to mainline in order, each with an https source", () => {
    render(<ApiHistory />);
    const versions = screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent?.split(" ")[0]);
    expect(versions).toEqual(["V1", "V2", "V3", "V4", "V5", "Mainline"]);
    const links = screen.getAllByRole("link");
    expect(links).toHaveLength(API_HISTORY.length);
    for (const a of links) expect(a.getAttribute("href")).toMatch(/^https:\/\//);
    expect(screen.getByText(/SGX_IOC_ENCLAVE_RELAX_PERMISSIONS removed/)).toBeTruthy();
  });

  it("dates run forward", () => {
    const dates = API_HISTORY.map((v) => v.date);
    expect([...dates].sort()).toEqual(dates);
  });

  it("on a MODIFY_TYPES step, marks the entries about that ioctl and only those", () => {
    const s = flowSession("tcs-create");
    const step = s.info.steps.findIndex((x) => x.op.cmd === "SGX_IOC_ENCLAVE_MODIFY_TYPES") + 1;
    useExplorer.setState({ info: s.info, step });
    render(<ApiHistory />);
    const marked = document.querySelectorAll('[aria-current="true"]');
    const expected = API_HISTORY.flatMap((v) => v.changes).filter((c) =>
      c.ioctls.includes("SGX_IOC_ENCLAVE_MODIFY_TYPES"),
    );
    expect(marked.length).toBe(expected.length);
    expect(within(marked[0] as HTMLElement).getByText(/SGX_IOC_PAGE_MODT/)).toBeTruthy();
    expect(screen.getByText(/this step/).textContent).toContain("SGX_IOC_ENCLAVE_MODIFY_TYPES");
  });

  it("says secinfo leaves only the SGX2 structs: ADD_PAGES keeps it", () => {
    const v4 = API_HISTORY.find((v) => v.version === "V4");
    expect(v4?.summary).toMatch(/leaves the SGX2 structs/);
    expect(v4?.summary).toMatch(/struct sgx_enclave_add_pages keeps its secinfo/);
    expect(v4?.summary).not.toMatch(/leaves the uapi/);
  });

  it("says where the V5 'W requires R' item comes from, and shows it", () => {
    const v5 = API_HISTORY.find((v) => v.version === "V5");
    const item = v5?.changes.find((c) => c.what.startsWith("Permission check: W requires R"));
    expect(item?.section).toMatch(/do not directly impact user space/);
    // Every other item is from a "directly impact user space" list and needs no note.
    const noted = API_HISTORY.flatMap((v) => v.changes).filter((c) => c.section);
    expect(noted).toEqual([item]);
    render(<ApiHistory />);
    expect(
      screen.getByText(/lists this under the changes that do not directly impact user space/),
    ).toBeTruthy();
  });
});
