// How the user-space API of the SGX2 series ("x86/sgx and selftests/sgx: Support SGX2", Reinette
// Chatre) changed from V1 to mainline, from the cover letters' "Changes since Vn that directly
// impact user space" sections; an item taken from another section of a cover letter names it
// (`section`). The explorer models mainline (v6.0).

export interface ApiChange {
  /** What changed, in one line. */
  what: string;
  before?: string;
  after?: string;
  /** What this means when reading a thread of that version. */
  reading?: string;
  /** The ioctls the change is about (for highlighting on an ioctl step). */
  ioctls: string[];
  /** Where the item comes from when it is not the cover letter's "directly impact user space" list. */
  section?: string;
}

export interface ApiVersion {
  version: string;
  date: string;
  patches?: number;
  summary: string;
  changes: ApiChange[];
  source: { title: string; url: string };
}

const RESTRICT = "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS";
const MODIFY = "SGX_IOC_ENCLAVE_MODIFY_TYPES";
const REMOVE = "SGX_IOC_ENCLAVE_REMOVE_PAGES";

export const API_HISTORY: ApiVersion[] = [
  {
    version: "V1",
    date: "2021-12-01",
    patches: 25,
    summary:
      "First posting. Permission changes go through one ioctl, SGX_IOC_PAGE_MODP; type changes through SGX_IOC_PAGE_MODT; removal through SGX_IOC_PAGE_REMOVE.",
    changes: [
      {
        what: "One ioctl for every EPCM permission change, taking the new permissions directly",
        after: "SGX_IOC_PAGE_MODP",
        reading:
          "In V1, calling SGX_IOC_PAGE_MODP after the enclave ran EMODPE set EPCM.PR, so the enclave needed one more EACCEPT.",
        ioctls: [RESTRICT],
      },
      {
        what: "Page type changes, taking the new page type directly",
        after: "SGX_IOC_PAGE_MODT",
        ioctls: [MODIFY],
      },
      { what: "Page removal", after: "SGX_IOC_PAGE_REMOVE", ioctls: [REMOVE] },
    ],
    source: {
      title: "[PATCH 00/25] x86/sgx and selftests/sgx: Support SGX2",
      url: "https://lore.kernel.org/linux-sgx/cover.1638381245.git.reinette.chatre@intel.com/",
    },
  },
  {
    version: "V2",
    date: "2022-02-07",
    patches: 32,
    summary:
      "The ioctls get SGX_IOC_ENCLAVE_ names; permission changes split into RELAX and RESTRICT; new permissions and types are passed as a whole secinfo.",
    changes: [
      {
        what: "SGX_IOC_PAGE_MODP split in two",
        before: "SGX_IOC_PAGE_MODP",
        after: "SGX_IOC_ENCLAVE_RELAX_PERMISSIONS (no result field)\nSGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        reading:
          "After EMODPE user space called RELAX_PERMISSIONS so the kernel updated the PTEs; it no longer set EPCM.PR, so no extra EACCEPT.",
        ioctls: [RESTRICT],
      },
      {
        what: "New permissions passed as a secinfo instead of directly",
        after: "struct sgx_enclave_relax_perm / struct sgx_enclave_restrict_perm { ... secinfo ... }",
        ioctls: [RESTRICT],
      },
      {
        what: "Type change renamed; the new type passed as a secinfo instead of directly",
        before: "SGX_IOC_PAGE_MODT",
        after: "SGX_IOC_ENCLAVE_MODIFY_TYPE, struct sgx_enclave_modt { ... secinfo ... }",
        ioctls: [MODIFY],
      },
      {
        what: "Removal renamed",
        before: "SGX_IOC_PAGE_REMOVE",
        after: "SGX_IOC_ENCLAVE_REMOVE_PAGES, struct sgx_enclave_remove_pages",
        ioctls: [REMOVE],
      },
    ],
    source: {
      title: "[PATCH V2 00/32] x86/sgx and selftests/sgx: Support SGX2",
      url: "https://lore.kernel.org/lkml/cover.1644274683.git.reinette.chatre@intel.com/",
    },
  },
  {
    version: "V3",
    date: "2022-04-04",
    patches: 30,
    summary:
      "The kernel stops tracking EPCM permissions: PTEs no longer follow them, RELAX_PERMISSIONS is removed, and dynamically added pages may be mapped RWX.",
    changes: [
      {
        what: "Dynamically added pages may be mapped up to RWX",
        before: "vm_max_prot_bits of an EAUG page: RW",
        after:
          "vm_max_prot_bits of an EAUG page: RWX (EPCM still starts at RW; PROT_EXEC works after EMODPE)",
        reading:
          "mmap()/mprotect() with PROT_EXEC on dynamically added pages is no longer refused by the driver.",
        ioctls: [],
      },
      {
        what: "PTEs no longer follow EPCM permissions",
        reading:
          "Where a V2 thread shows a regular #PF (no SGX bit), mainline gives a #PF with the SGX error-code bit: the EPCM, not the page tables, refuses the access.",
        ioctls: [RESTRICT],
      },
      {
        what: "SGX_IOC_ENCLAVE_RELAX_PERMISSIONS removed",
        before: "EMODPE, then SGX_IOC_ENCLAVE_RELAX_PERMISSIONS",
        after: "EMODPE from inside the enclave is enough (within vm_max_prot_bits and the VMA's permissions)",
        ioctls: [RESTRICT],
      },
      {
        what: "Structs renamed",
        before: "struct sgx_enclave_restrict_perm\nstruct sgx_enclave_modt",
        after: "struct sgx_enclave_restrict_permissions\nstruct sgx_enclave_modify_type",
        ioctls: [RESTRICT, MODIFY],
      },
    ],
    source: {
      title: "[PATCH V3 00/30] x86/sgx and selftests/sgx: Support SGX2",
      url: "https://lore.kernel.org/lkml/cover.1648847675.git.reinette.chatre@intel.com/",
    },
  },
  {
    version: "V4",
    date: "2022-04-13",
    patches: 31,
    summary:
      "secinfo leaves the SGX2 structs: they carry just the new permissions or page type (struct sgx_enclave_add_pages keeps its secinfo); MODIFY_TYPE becomes MODIFY_TYPES.",
    changes: [
      {
        what: "RESTRICT_PERMISSIONS takes the permissions directly",
        before: "struct sgx_enclave_restrict_permissions { ... secinfo ... }",
        after: "struct sgx_enclave_restrict_permissions { ... __u64 permissions; ... }",
        ioctls: [RESTRICT],
      },
      {
        what: "MODIFY_TYPE renamed, takes the page type directly",
        before: "SGX_IOC_ENCLAVE_MODIFY_TYPE { ... secinfo ... }",
        after: "SGX_IOC_ENCLAVE_MODIFY_TYPES { ... __u64 page_type; ... }",
        ioctls: [MODIFY],
      },
    ],
    source: {
      title: "[PATCH V4 00/31] x86/sgx and selftests/sgx: Support SGX2",
      url: "https://lore.kernel.org/lkml/cover.1649878359.git.reinette.chatre@intel.com/",
    },
  },
  {
    version: "V5",
    date: "2022-05-10",
    patches: 31,
    summary:
      "The last uapi rename; RESTRICT_PERMISSIONS accepts permissions without R (but not W without R).",
    changes: [
      {
        what: "Struct renamed to match the ioctl",
        before: "struct sgx_enclave_modify_type",
        after: "struct sgx_enclave_modify_types",
        ioctls: [MODIFY],
      },
      {
        what: "Permission check: W requires R",
        before: "V4 refused any permissions without R",
        after: "permissions may be 0; only W without R is refused early (EMODPR would #GP)",
        ioctls: [RESTRICT],
        section:
          "The V5 cover letter lists this under the changes that do not directly impact user space; it is here because it changes which permissions the ioctl accepts.",
      },
    ],
    source: {
      title: "[PATCH V5 00/31] x86/sgx and selftests/sgx: Support SGX2",
      url: "https://lore.kernel.org/all/cover.1652137848.git.reinette.chatre@intel.com/",
    },
  },
  {
    version: "Mainline",
    date: "2022-08",
    summary:
      "Merged for Linux 6.0 (the x86/sgx pull for the 5.20/6.0 merge window). The uapi is V5's: RESTRICT_PERMISSIONS, MODIFY_TYPES, REMOVE_PAGES. This is what the explorer models.",
    changes: [
      {
        what: "The SGX2 ioctls of arch/x86/include/uapi/asm/sgx.h",
        after:
          "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS\nSGX_IOC_ENCLAVE_MODIFY_TYPES\nSGX_IOC_ENCLAVE_REMOVE_PAGES",
        ioctls: [RESTRICT, MODIFY, REMOVE],
      },
    ],
    source: {
      title: "Intel SGX2 Support Coming With Linux 6.0 (Phoronix, 2022-08-04)",
      url: "https://www.phoronix.com/news/Intel-SGX2-Linux-6.0",
    },
  },
];
