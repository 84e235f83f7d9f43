// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useExplorer } from "../../store/explorer.ts";
import { flowSession } from "../fixtures.ts";
import { ReviewPanel } from "./ReviewPanel.tsx";

const initial = useExplorer.getState();
const seek = vi.fn(async () => {});

function at(flow: string, step: number) {
  const s = flowSession(flow);
  useExplorer.setState({ seek, info: s.info, step, event: null, view: s.view(step) });
}

describe("ReviewPanel", () => {
  afterEach(() => {
    cleanup();
    seek.mockClear();
    useExplorer.setState(initial, true);
  });

  it("highlights the check that refused a RESTRICT_PERMISSIONS of a TCS, in the driver's order", () => {
    at("refusals", 15);
    render(<ReviewPanel />);
    expect(screen.getByText("EINVAL", { selector: ".review-errno" })).toBeTruthy();
    const checks = within(screen.getByRole("list", { name: "Driver checks" })).getAllByRole("listitem");
    const texts = checks.map((c) => c.textContent ?? "");
    const decided = checks.findIndex((c) => c.getAttribute("aria-current") === "true");
    expect(texts[decided]).toContain("the page is REG in the kernel's records");
    expect(texts[decided]).toContain("refused the call");
    expect(texts[0]).toContain("the CPU supports SGX2");
    expect(texts.slice(0, decided).every((t) => t.includes("passed"))).toBe(true);
    expect(texts.slice(decided + 1).every((t) => t.includes("not reached"))).toBe(true);
    const path = within(screen.getByRole("list", { name: "Kernel call path" })).getAllByRole("listitem");
    expect(path.map((p) => p.textContent)).toEqual([
      "sgx_ioctl",
      "sgx_ioc_enclave_restrict_permissions",
      "sgx_ioc_sgx2_ready",
      "sgx_validate_offset_length",
      "sgx_enclave_restrict_permissions",
      "sgx_reclaim_direct",
      "sgx_encl_load_page",
    ]);
  });

  it("for a step that is not an ioctl, says so and jumps to the next ioctl step", () => {
    at("augment", 12);
    render(<ReviewPanel />);
    expect(screen.getByText(/not an ioctl/).textContent).toContain("EENTER write 0xc000");
    expect((screen.getByRole("button", { name: "Next ioctl step" }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    fireEvent.click(screen.getByRole("button", { name: "Previous ioctl step" }));
    expect(seek).toHaveBeenCalledWith(6);
  });

  it("explains an unknown command without inventing checks", () => {
    at("refusals", 14);
    render(<ReviewPanel />);
    expect(screen.getByText(/does not know this command/).textContent).toContain("ENOTTY");
    expect(screen.queryByRole("list", { name: "Driver checks" })).toBeNull();
  });

  it("on ADD_PAGES, lists __sgx_encl_add_page()'s source checks as not modelled, with the reason", () => {
    const s = flowSession("augment");
    const step = s.info.steps.findIndex((x) => x.op.cmd === "SGX_IOC_ENCLAVE_ADD_PAGES") + 1;
    at("augment", step);
    render(<ReviewPanel />);
    const omitted = within(screen.getByRole("list", { name: "Checks not modelled" })).getAllByRole(
      "listitem",
    );
    expect(omitted.map((li) => li.textContent)).toEqual([
      expect.stringMatching(
        /^find_vma\(\) finds a mapping at src: __sgx_encl_add_page\(\) else EFAULT\. a scenario describes no source mapping/,
      ),
      expect.stringMatching(/VM_MAYEXEC \(not on a noexec mount\): __sgx_encl_add_page\(\) else EACCES/),
      expect.stringMatching(/get_user_pages\(\) pins the source page: __sgx_encl_add_page\(\) else EFAULT/),
    ]);
  });

  it("on INIT, the call path runs sgx_encl_init() and __einit(), with no sgx_einit()", () => {
    const s = flowSession("augment");
    const step = s.info.steps.findIndex((x) => x.op.cmd === "SGX_IOC_ENCLAVE_INIT") + 1;
    at("augment", step);
    render(<ReviewPanel />);
    const path = within(screen.getByRole("list", { name: "Kernel call path" })).getAllByRole("listitem");
    expect(path.map((p) => p.textContent)).toEqual([
      "sgx_ioctl",
      "sgx_ioc_enclave_init",
      "sgx_encl_init",
      "__einit",
    ]);
    expect(screen.queryByRole("list", { name: "Checks not modelled" })).toBeNull();
  });
});
