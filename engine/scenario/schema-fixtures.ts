// Scenario fixtures shared by the validator and the JSON Schemas (schema.test.ts): scenarios the
// validator accepts (each field of the format in each of its written forms) and scenarios it
// rejects, each with the JSON path its message names. A rejection that JSON Schema cannot
// express (it depends on another field's value, on numeric order within strings, or on
// duplicate keys after normalization) is listed with the reason the schema lets it pass.

type Raw = Record<string, unknown>;

const FORMAT = "epcm-scenario/1";

export function scenarioOf(steps: unknown[], extra: Raw = {}): Raw {
  return { format: FORMAT, title: "t", steps, ...extra };
}

const create = (arg: unknown) => ({ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_CREATE", arg });
const addPages = (arg: Raw) => ({ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_ADD_PAGES", arg });
const ADD = { offset: "0x0", length: "0x1000", secinfo: "R|W|REG" };
const range = { offset: "0x1000", length: 4096 };

/** Scenarios the validator accepts: every op, ioctl command, call and optional field. */
export const ACCEPTED: Array<[string, Raw]> = [
  ["the smallest scenario", { format: FORMAT, steps: [] }],
  [
    "a $schema key for editors",
    scenarioOf([], { $schema: "../engine/scenario/scenario.schema.json", description: "d" }),
  ],
  [
    "machine given in full, numbers as strings",
    scenarioOf([], { machine: { epcPages: "0x400000", sgx2: false } }),
  ],
  ["the largest EPC", scenarioOf([], { machine: { epcPages: 134_217_728 } })],
  [
    "machine.cpus, machine.kernel and machine.mutate",
    scenarioOf([], {
      machine: { cpus: 64, kernel: "v6.6+edmm-races", mutate: ["no-ipi", "no-etrack", "no-ioctl-busy"] },
    }),
  ],
  [
    "every kernel version, mutation and form of cpus",
    scenarioOf([], {
      machine: { cpus: "0x40", kernel: "v6.1", mutate: ["no-accept-probe", "no-type-check"] },
    }),
  ],
  [
    "cpus as a decimal string, no mutation",
    scenarioOf([], { machine: { cpus: "8", kernel: "v6.6", mutate: [] } }),
  ],
  ["a single CPU on v6.0", scenarioOf([], { machine: { cpus: 1, kernel: "v6.0" } })],
  [
    "every CREATE field",
    scenarioOf([
      create({
        size: "0x10000",
        ssa_frame_size: 1,
        attributes: "MODE64BIT | DEBUG",
        xfrm: "3",
        base: "0x7f0000000000",
        miscselect: 0,
      }),
      create({ size: 9007199254740991, attributes: 6 }),
      create({ size: "0x1fffffffffffff" }),
      create({ size: "0X000000001FFFFFFFFFFFFF" }),
      create({ size: "9007199254740991" }),
    ]),
  ],
  [
    "every ADD_PAGES field",
    scenarioOf([
      addPages({
        offset: 0,
        length: "0x3000",
        secinfo: "R|W|REG|PENDING",
        flags: "SGX_PAGE_MEASURE",
        src: 8,
        tcs: [{ ossa: "0x1000", nssa: 1, oentry: "0x23d3" }, {}],
        data: {
          "0x0": "0x1122334455667788",
          "8": 1,
          "0x10": "18446744073709551615",
          "0x18": "0xffffffffffffffff",
        },
      }),
      addPages({ offset: "0x4000", length: "0x1000", secinfo: "TCS", flags: 0 }),
      addPages({ offset: "0x5000", length: "0x1000", secinfo: 0x20b }),
      addPages({ offset: "0x6000", length: "0x1000", secinfo: "R|0x200" }),
      addPages({ offset: "0x6000", length: "0x1000", secinfo: "SECS|R|W|X|MODIFIED|PR" }),
    ]),
  ],
  [
    "INIT without arg, with an empty arg and with every sigstruct field",
    scenarioOf([
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT" },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: {} },
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_INIT",
        arg: {
          sigstruct: {
            vendor: "0x8086",
            attributes: "MODE64BIT",
            attributes_mask: "DEBUG|MODE64BIT",
            xfrm: 3,
            xfrm_mask: 0,
            miscselect: 0,
            misc_mask: 0,
            enclavehash: "0xDEADbeef",
          },
        },
      },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { sigstruct: { enclavehash: "match" } } },
    ]),
  ],
  [
    "PROVISION, RESTRICT_PERMISSIONS, MODIFY_TYPES, REMOVE_PAGES and an unknown command",
    scenarioOf([
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_PROVISION" },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_PROVISION", arg: {} },
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS",
        arg: { ...range, permissions: "R", result: 0, count: "0x0" },
      },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", arg: { ...range, permissions: 0 } },
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES",
        arg: { ...range, page_type: "TRIM", result: 0, count: 0 },
      },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES", arg: { ...range, page_type: " TCS " } },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES", arg: { ...range, page_type: 4 } },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_REMOVE_PAGES", arg: { ...range, count: 0 } },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_FROB" },
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_FROB", arg: { anything: [1, 2] } },
    ]),
  ],
  [
    "every driver call",
    scenarioOf([
      { op: "mmap", offset: 0, length: "0x10000", prot: "PROT_READ|PROT_WRITE|PROT_EXEC" },
      { op: "mmap", offset: 0, length: "0x1000", prot: "PROT_NONE", flags: "MAP_SHARED|MAP_FIXED" },
      { op: "mmap", offset: 0, length: "0x1000", prot: 3, flags: 0x11 },
      { op: "mprotect", offset: "0x1000", length: "0x1000", prot: "PROT_READ" },
      { op: "munmap", offset: "0x1000", length: "0x1000" },
      { op: "reclaim", pages: 8 },
      { op: "close", enclave: "e1.test-_", note: "bye" },
    ]),
  ],
  [
    "every enclave call",
    scenarioOf([
      { op: "EENTER", call: "write", addr: "0x5000", value: "0x8877665544332211", tcs: "0x0" },
      { op: "EENTER", call: "write", addr: 0, value: 9007199254740991 },
      { op: "EENTER", call: "read", addr: "0x5000" },
      { op: "EENTER", call: "exec", addr: "0x2000" },
      { op: "EENTER", call: "nop", tcs: "0x1000" },
      { op: "EENTER", call: "EACCEPT", addr: "0xc000", secinfo: "R|W|REG|PENDING", pages: 16 },
      { op: "EENTER", call: "EACCEPT", addr: "0xc000", secinfo: "TRIM|MODIFIED", pages: "0x10" },
      { op: "EENTER", call: "EACCEPTCOPY", addr: "0xc000", src: "0x2000", secinfo: "R|W|X|REG" },
      { op: "EENTER", call: "EMODPE", addr: "0xc000", secinfo: "R|W|X" },
      { op: "EENTER", call: "init_tcs", addr: "0xc000", ssa: "0xd000", entry: "0x23d3", pages: 16_777_216 },
      { op: "ERESUME" },
      { op: "ERESUME", tcs: 4096 },
    ]),
  ],
  [
    "threads that stay inside, run, EEXIT and interrupt on chosen CPUs",
    scenarioOf(
      [
        { op: "EENTER", call: "nop", stay: true, cpu: 1, clobbered: false },
        { op: "run", call: "write", addr: "0x5000", value: "0x1", cpu: 1 },
        { op: "run", call: "read", addr: "0x5000", cpu: "1" },
        { op: "run", call: "exec", addr: "0x2000", cpu: "0x1" },
        { op: "run", call: "nop", cpu: 1 },
        { op: "run", call: "EACCEPT", addr: "0xc000", secinfo: "R|W|REG|PENDING", cpu: 1 },
        { op: "run", call: "EACCEPTCOPY", addr: "0xc000", src: "0x2000", secinfo: "R|W|REG", cpu: 1 },
        { op: "run", call: "EMODPE", addr: "0xc000", secinfo: "R|W|X", cpu: 1 },
        { op: "run", call: "init_tcs", addr: "0xc000", ssa: "0xd000", entry: 0, cpu: 1 },
        { op: "interrupt", cpu: 1, note: "a timer" },
        { op: "EEXIT", cpu: 1 },
        { op: "EENTER", call: "nop", stay: false, pages: 4, cpu: 63 },
        { op: "EENTER", call: "nop", stay: true, pages: 1, tcs: "0x1000", clobbered: true },
        { op: "ERESUME", tcs: "0x1000", stay: true, cpu: 2 },
        { op: "ERESUME", stay: false, cpu: "0x3f" },
      ],
      { machine: { cpus: 64 } },
    ),
  ],
  [
    "user-space accesses to the mapping",
    scenarioOf([
      { op: "access", offset: "0x5000", kind: "read" },
      { op: "access", offset: 0, kind: "write", value: "0xffffffffffffffff", cpu: 3 },
      { op: "access", offset: "0x1000", kind: "write", value: 7, expect: { signal: "SIGBUS" } },
    ]),
  ],
  [
    "expectations, with an epcm map",
    scenarioOf([
      {
        op: "close",
        expect: {
          ret: -1,
          errno: "EPERM",
          arg: { count: "0x0" },
          epcm: { "0x5000": { perms: "R--" }, "8192": {} },
        },
      },
    ]),
  ],
  [
    "__u64 offset and length up to 2^64-1 on the range ioctls (docs/scenario-format.md, Kernel versions and what-ifs)",
    scenarioOf([
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_REMOVE_PAGES",
        arg: { offset: "0xfffffffffffff000", length: "0x2000" },
      },
      {
        op: "ioctl",
        cmd: "SGX_IOC_ENCLAVE_ADD_PAGES",
        arg: { offset: "18446744073709547520", length: "0xffffffffffffffff", secinfo: "REG|R" },
      },
    ]),
  ],
];

/**
 * Scenarios the validator rejects: [name, scenario, the start of the validator's message, and
 * `true` when the schema must reject it too, or the reason a schema cannot].
 */
export const REJECTED: Array<[string, unknown, string, true | string]> = [
  ["not an object", [], 'scenario: expected an object with "format"', true],
  ["no format", { steps: [] }, "format: required field is missing", true],
  ["another format", { format: "epcm-trace/1", steps: [] }, 'format: expected "epcm-scenario/1"', true],
  ["no steps", { format: FORMAT }, "steps: required field is missing", true],
  ["steps that are not an array", { format: FORMAT, steps: {} }, "steps: expected an array of steps", true],
  ["a misspelled top-level field", scenarioOf([], { stpes: [] }), "stpes: unknown field", true],
  ["a $schema that is not a string", scenarioOf([], { $schema: 1 }), "$schema: expected a string", true],
  ["a long title", scenarioOf([], { title: "x".repeat(301) }), "title: 301 characters", true],
  [
    "a description that is not a string",
    scenarioOf([], { description: ["x"] }),
    "description: expected a string",
    true,
  ],
  ["a machine that is a number", scenarioOf([], { machine: 128 }), "machine: expected an object", true],
  ["an unknown machine field", scenarioOf([], { machine: { cpu: 2 } }), "machine.cpu: unknown field", true],
  [
    "no EPC pages",
    scenarioOf([], { machine: { epcPages: 0 } }),
    "machine.epcPages: expected an integer from 1",
    true,
  ],
  [
    "an EPC beyond the limit",
    scenarioOf([], { machine: { epcPages: 134_217_729 } }),
    "machine.epcPages",
    true,
  ],
  [
    "an EPC beyond the limit, as a string",
    scenarioOf([], { machine: { epcPages: "0x8000001" } }),
    "machine.epcPages",
    "the range of a number written as a string is not a pattern a schema checks",
  ],
  [
    "no CPU",
    scenarioOf([], { machine: { cpus: 0 } }),
    "machine.cpus: expected an integer from 1 to 64",
    true,
  ],
  [
    "65 CPUs",
    scenarioOf([], { machine: { cpus: 65 } }),
    "machine.cpus: expected an integer from 1 to 64",
    true,
  ],
  [
    "65 CPUs, as a string",
    scenarioOf([], { machine: { cpus: "0x41" } }),
    "machine.cpus: expected an integer from 1 to 64",
    true,
  ],
  [
    "an unknown kernel",
    scenarioOf([], { machine: { kernel: "v6.2" } }),
    'machine.kernel: unknown kernel "v6.2"',
    true,
  ],
  [
    "a kernel as a number",
    scenarioOf([], { machine: { kernel: 6 } }),
    "machine.kernel: unknown kernel 6",
    true,
  ],
  [
    "mutate that is not a list",
    scenarioOf([], { machine: { mutate: "no-ipi" } }),
    "machine.mutate: expected a list of mutation names",
    true,
  ],
  [
    "an unknown mutation",
    scenarioOf([], { machine: { mutate: ["no-ipi", "no-tlb"] } }),
    'machine.mutate[1]: unknown mutation "no-tlb"',
    true,
  ],
  [
    "a mutation listed twice",
    scenarioOf([], { machine: { mutate: ["no-ipi", "no-ipi"] } }),
    'machine.mutate[1]: "no-ipi" is listed twice',
    true,
  ],
  [
    "sgx2 as a number",
    scenarioOf([], { machine: { sgx2: 1 } }),
    "machine.sgx2: expected true or false",
    true,
  ],
  [
    "a length that is not a number",
    scenarioOf([addPages({ ...ADD, length: "8k" })]),
    "steps[0].arg.length",
    true,
  ],
  [
    "a misspelled arg field",
    scenarioOf([addPages({ ...ADD, ofset: 0 })]),
    "steps[0].arg.ofset: unknown field",
    true,
  ],
  [
    "a misspelled step field",
    scenarioOf([{ op: "mmap", offset: 0, length: 4096, prot: 1, flag: "MAP_SHARED" }]),
    "steps[0].flag: unknown field",
    true,
  ],
  ["a field on close", scenarioOf([{ op: "close", fd: 3 }]), "steps[0].fd: unknown field", true],
  [
    "a field of another call",
    scenarioOf([{ op: "EENTER", call: "read", addr: 0, value: 1 }]),
    'steps[0].value: not a field of call "read"',
    true,
  ],
  [
    "a field on nop",
    scenarioOf([{ op: "EENTER", call: "nop", addr: 0 }]),
    'steps[0].addr: not a field of call "nop"',
    true,
  ],
  [
    "an unknown call",
    scenarioOf([{ op: "EENTER", call: "eaccept", addr: 0 }]),
    'steps[0].call: unknown call "eaccept"',
    true,
  ],
  ["a missing call", scenarioOf([{ op: "EENTER" }]), "steps[0].call: required field is missing", true],
  ["an unknown op", scenarioOf([{ op: "mmmap" }]), 'steps[0].op: unknown op "mmmap"', true],
  ["a missing op", scenarioOf([{ offset: 0 }]), "steps[0].op: required field is missing", true],
  ["an op that is not a string", scenarioOf([{ op: 7 }]), "steps[0].op: expected a string", true],
  ["a step that is not an object", scenarioOf(["close"]), "steps[0]: expected an object", true],
  ["a null step", scenarioOf([null]), "steps[0]: expected an object", true],
  [
    "a missing munmap length",
    scenarioOf([{ op: "munmap", offset: 0 }]),
    "steps[0].length: required field is missing",
    true,
  ],
  ["a missing cmd", scenarioOf([{ op: "ioctl", arg: {} }]), "steps[0].cmd: required field is missing", true],
  [
    "a cmd that is not a string",
    scenarioOf([{ op: "ioctl", cmd: 3 }]),
    "steps[0].cmd: expected a string",
    true,
  ],
  [
    "a very long cmd",
    scenarioOf([{ op: "ioctl", cmd: "X".repeat(201) }]),
    "steps[0].cmd: 201 characters",
    true,
  ],
  [
    "a missing CREATE arg",
    scenarioOf([{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_CREATE" }]),
    "steps[0].arg: required field is missing",
    true,
  ],
  ["an arg that is an array", scenarioOf([create([])]), "steps[0].arg: expected an object", true],
  [
    "an unknown command's arg that is a number",
    scenarioOf([{ op: "ioctl", cmd: "FROB", arg: 1 }]),
    "steps[0].arg: expected an object",
    true,
  ],
  ["a missing CREATE size", scenarioOf([create({})]), "steps[0].arg.size: required field is missing", true],
  [
    "a negative size",
    scenarioOf([create({ size: -4096 })]),
    "steps[0].arg.size: expected a non-negative integer",
    true,
  ],
  [
    "a fractional size",
    scenarioOf([create({ size: 4096.5 })]),
    "steps[0].arg.size: expected an integer",
    true,
  ],
  ["a size beyond 2^53-1", scenarioOf([create({ size: "0xffffffffffffffff" })]), "steps[0].arg.size", true],
  ["a size of 2^53 in hex", scenarioOf([create({ size: "0x20000000000000" })]), "steps[0].arg.size", true],
  ["a size of 2^53 as a JSON number", scenarioOf([create({ size: 2 ** 53 })]), "steps[0].arg.size", true],
  [
    "a size of 2^53 in decimal",
    scenarioOf([create({ size: "9007199254740992" })]),
    "steps[0].arg.size",
    "a decimal string of 16 digits passes the schema's pattern whatever its value",
  ],
  ["a size with underscores", scenarioOf([create({ size: "0x1_000" })]), "steps[0].arg.size", true],
  [
    "an unknown attribute",
    scenarioOf([create({ size: 4096, attributes: "MODE64BIT|DEBUGG" })]),
    "steps[0].arg.attributes",
    true,
  ],
  ["a boolean base", scenarioOf([create({ size: 4096, base: false })]), "steps[0].arg.base", true],
  [
    "a missing secinfo",
    scenarioOf([addPages({ offset: 0, length: 4096 })]),
    "steps[0].arg.secinfo: required",
    true,
  ],
  [
    "a missing length",
    scenarioOf([addPages({ offset: 0, secinfo: "REG" })]),
    "steps[0].arg.length: required",
    true,
  ],
  [
    "two page types in secinfo",
    scenarioOf([addPages({ ...ADD, secinfo: "REG|TCS" })]),
    "steps[0].arg.secinfo: at most one page type",
    true,
  ],
  [
    "one page type twice in secinfo",
    scenarioOf([addPages({ ...ADD, secinfo: "REG | R | REG" })]),
    "steps[0].arg.secinfo: at most one page type",
    true,
  ],
  [
    "an empty name in secinfo",
    scenarioOf([addPages({ ...ADD, secinfo: "R||W" })]),
    "steps[0].arg.secinfo: empty SECINFO flag name",
    true,
  ],
  [
    "a lowercase secinfo name",
    scenarioOf([addPages({ ...ADD, secinfo: "r|w|reg" })]),
    "steps[0].arg.secinfo: unknown SECINFO flag",
    true,
  ],
  [
    "an unknown ADD_PAGES flag",
    scenarioOf([addPages({ ...ADD, flags: "MEASURE" })]),
    "steps[0].arg.flags",
    true,
  ],
  [
    "tcs that is not an array",
    scenarioOf([addPages({ ...ADD, tcs: { ossa: 0 } })]),
    "steps[0].arg.tcs: expected an array",
    true,
  ],
  [
    "a tcs entry that is not an object",
    scenarioOf([addPages({ ...ADD, tcs: [{}, 5] })]),
    "steps[0].arg.tcs[1]",
    true,
  ],
  [
    "a misspelled tcs field",
    scenarioOf([addPages({ ...ADD, tcs: [{ osa: 0 }] })]),
    "steps[0].arg.tcs[0].osa: unknown field",
    true,
  ],
  [
    "a bad tcs value",
    scenarioOf([addPages({ ...ADD, tcs: [{ oentry: "main" }] })]),
    "steps[0].arg.tcs[0].oentry",
    true,
  ],
  [
    "data that is an array",
    scenarioOf([addPages({ ...ADD, data: [1] })]),
    "steps[0].arg.data: expected an object",
    true,
  ],
  [
    "a data offset that is not a number",
    scenarioOf([addPages({ ...ADD, data: { start: 1 } })]),
    "steps[0].arg.data.start",
    true,
  ],
  [
    "an unaligned data offset",
    scenarioOf([addPages({ ...ADD, data: { "0x11": 1 } })]),
    'steps[0].arg.data["0x11"]: offset 0x11 is not a multiple of 8',
    "divisibility of a number written as a key is not a pattern a schema checks",
  ],
  [
    "a data offset outside the range",
    scenarioOf([addPages({ ...ADD, offset: "0x5000", data: { "0x5000": 1 } })]),
    'steps[0].arg.data["0x5000"]: offset 0x5000 is outside the added range',
    "it depends on the value of another field (length)",
  ],
  [
    "a data offset given twice",
    scenarioOf([addPages({ ...ADD, data: { "0x10": 1, "16": 2 } })]),
    'steps[0].arg.data["0x10"]: offset 0x10 is already given',
    "two keys that differ as text but name the same number",
  ],
  [
    "a data word beyond 64 bits",
    scenarioOf([addPages({ ...ADD, data: { "0x8": "0x1ffffffffffffffff" } })]),
    'steps[0].arg.data["0x8"]',
    true,
  ],
  [
    "a data word that is a large JSON number",
    scenarioOf([addPages({ ...ADD, data: { "0x8": 2 ** 63 } })]),
    'steps[0].arg.data["0x8"]',
    true,
  ],
  [
    "a sigstruct that is not an object",
    scenarioOf([{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { sigstruct: "default" } }]),
    "steps[0].arg.sigstruct: expected an object",
    true,
  ],
  [
    "a misspelled sigstruct field",
    scenarioOf([{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { sigstruct: { vender: 0 } } }]),
    "steps[0].arg.sigstruct.vender: unknown field",
    true,
  ],
  [
    "a bad enclavehash",
    scenarioOf([{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { sigstruct: { enclavehash: "nope" } } }]),
    "steps[0].arg.sigstruct.enclavehash",
    true,
  ],
  [
    "an INIT arg field",
    scenarioOf([{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_INIT", arg: { vendor: 0 } }]),
    "steps[0].arg.vendor: unknown field",
    true,
  ],
  [
    "a PROVISION arg field",
    scenarioOf([{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_PROVISION", arg: { fd: 4 } }]),
    "steps[0].arg.fd: unknown field",
    true,
  ],
  [
    "bad permissions",
    scenarioOf([
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS", arg: { ...range, permissions: "RW" } },
    ]),
    "steps[0].arg.permissions",
    true,
  ],
  [
    "a missing page_type",
    scenarioOf([{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES", arg: range }]),
    "steps[0].arg.page_type: required",
    true,
  ],
  [
    "a page_type given as flags",
    scenarioOf([
      { op: "ioctl", cmd: "SGX_IOC_ENCLAVE_MODIFY_TYPES", arg: { ...range, page_type: "TRIM|TCS" } },
    ]),
    "steps[0].arg.page_type: expected one page type",
    true,
  ],
  [
    "a REMOVE_PAGES result field",
    scenarioOf([{ op: "ioctl", cmd: "SGX_IOC_ENCLAVE_REMOVE_PAGES", arg: { ...range, result: 0 } }]),
    "steps[0].arg.result: unknown field",
    true,
  ],
  [
    "a bad prot",
    scenarioOf([{ op: "mmap", offset: 0, length: 4096, prot: "PROT_READ|PROT_RW" }]),
    "steps[0].prot",
    true,
  ],
  [
    "bad mmap flags",
    scenarioOf([{ op: "mmap", offset: 0, length: 4096, prot: 1, flags: "MAP_SHARED|FIXED" }]),
    "steps[0].flags",
    true,
  ],
  ["a bad reclaim count", scenarioOf([{ op: "reclaim", pages: "all" }]), "steps[0].pages", true],
  ["EENTER pages of zero", scenarioOf([{ op: "EENTER", call: "nop", pages: 0 }]), "steps[0].pages", true],
  [
    "EENTER pages too many",
    scenarioOf([{ op: "EENTER", call: "nop", pages: 16_777_217 }]),
    "steps[0].pages",
    true,
  ],
  [
    "EENTER pages too many, as a string",
    scenarioOf([{ op: "EENTER", call: "nop", pages: "0x1000001" }]),
    "steps[0].pages",
    "the range of a number written as a string is not a pattern a schema checks",
  ],
  [
    "a write value beyond 64 bits",
    scenarioOf([{ op: "EENTER", call: "write", addr: 0, value: "0x10000000000000000" }]),
    "steps[0].value",
    true,
  ],
  [
    "a write without value",
    scenarioOf([{ op: "EENTER", call: "write", addr: 0 }]),
    "steps[0].value: required",
    true,
  ],
  [
    "a bad EACCEPT secinfo",
    scenarioOf([{ op: "EENTER", call: "EACCEPT", addr: 0, secinfo: "R|W|REG|PEND" }]),
    "steps[0].secinfo",
    true,
  ],
  [
    "an EACCEPTCOPY without src",
    scenarioOf([{ op: "EENTER", call: "EACCEPTCOPY", addr: 0, secinfo: "R" }]),
    "steps[0].src: required",
    true,
  ],
  ["a bad tcs", scenarioOf([{ op: "ERESUME", tcs: "TCS#1" }]), "steps[0].tcs", true],
  ["CPU 64", scenarioOf([{ op: "close", cpu: 64 }]), "steps[0].cpu: expected an integer from 0 to 63", true],
  [
    "CPU 64, as a string",
    scenarioOf([{ op: "close", cpu: "64" }]),
    "steps[0].cpu: expected an integer from 0 to 63",
    true,
  ],
  ["a negative CPU", scenarioOf([{ op: "close", cpu: -1 }]), "steps[0].cpu", true],
  [
    "a CPU the machine does not have",
    scenarioOf([{ op: "close", cpu: 4 }]),
    "steps[0].cpu: CPU 4 does not exist",
    "it depends on the value of another field (machine.cpus)",
  ],
  [
    "stay with pages",
    scenarioOf([{ op: "EENTER", call: "nop", stay: true, pages: 2 }]),
    "steps[0].stay: a thread that stays inside runs one call",
    true,
  ],
  [
    "stay with pages, as a string",
    scenarioOf([{ op: "EENTER", call: "nop", stay: true, pages: "0x2" }]),
    "steps[0].stay: a thread that stays inside runs one call",
    true,
  ],
  [
    "stay that is not a boolean",
    scenarioOf([{ op: "ERESUME", stay: "yes" }]),
    "steps[0].stay: expected true or false",
    true,
  ],
  [
    "clobbered on ERESUME",
    scenarioOf([{ op: "ERESUME", clobbered: true }]),
    "steps[0].clobbered: unknown field",
    true,
  ],
  [
    "clobbered that is not a boolean",
    scenarioOf([{ op: "EENTER", call: "nop", clobbered: 1 }]),
    "steps[0].clobbered",
    true,
  ],
  ["run without a call", scenarioOf([{ op: "run" }]), "steps[0].call: required field is missing", true],
  [
    "run with a field of another call",
    scenarioOf([{ op: "run", call: "nop", addr: 0 }]),
    'steps[0].addr: not a field of call "nop"',
    true,
  ],
  ["run with a tcs", scenarioOf([{ op: "run", call: "nop", tcs: 0 }]), "steps[0].tcs: unknown field", true],
  ["EEXIT with a field", scenarioOf([{ op: "EEXIT", tcs: 0 }]), "steps[0].tcs: unknown field", true],
  [
    "interrupt with a field",
    scenarioOf([{ op: "interrupt", vector: 32 }]),
    "steps[0].vector: unknown field",
    true,
  ],
  [
    "an access without kind",
    scenarioOf([{ op: "access", offset: 0 }]),
    "steps[0].kind: required field is missing",
    true,
  ],
  [
    "an access without offset",
    scenarioOf([{ op: "access", kind: "read" }]),
    "steps[0].offset: required field is missing",
    true,
  ],
  [
    "an unknown access kind",
    scenarioOf([{ op: "access", offset: 0, kind: "exec" }]),
    'steps[0].kind: unknown access kind "exec"',
    true,
  ],
  [
    "an access write without value",
    scenarioOf([{ op: "access", offset: 0, kind: "write" }]),
    "steps[0].value: required field is missing",
    true,
  ],
  [
    "an access read with a value",
    scenarioOf([{ op: "access", offset: 0, kind: "read", value: 1 }]),
    "steps[0].value: a read stores nothing",
    true,
  ],
  [
    "an access write beyond 64 bits",
    scenarioOf([{ op: "access", offset: 0, kind: "write", value: "0x10000000000000000" }]),
    "steps[0].value",
    true,
  ],
  ["an empty enclave name", scenarioOf([{ op: "close", enclave: "" }]), "steps[0].enclave", true],
  [
    "an enclave name with a space",
    scenarioOf([{ op: "close", enclave: "my enclave" }]),
    "steps[0].enclave",
    true,
  ],
  [
    "an enclave name of 33 characters",
    scenarioOf([{ op: "close", enclave: "e".repeat(33) }]),
    "steps[0].enclave",
    true,
  ],
  ["a note that is not a string", scenarioOf([{ op: "close", note: 1 }]), "steps[0].note", true],
  [
    "a note that is too long",
    scenarioOf([{ op: "close", note: "x".repeat(2001) }]),
    "steps[0].note: 2001 characters",
    true,
  ],
  [
    "an expect that is not an object",
    scenarioOf([{ op: "close", expect: [] }]),
    "steps[0].expect: expected an object",
    true,
  ],
  [
    "an expect.epcm that is not an object",
    scenarioOf([{ op: "close", expect: { epcm: [] } }]),
    "steps[0].expect.epcm",
    true,
  ],
  [
    "an expect.epcm key that is not an offset",
    scenarioOf([{ op: "close", expect: { epcm: { page5: {} } } }]),
    "steps[0].expect.epcm.page5",
    true,
  ],
  [
    "an expect.epcm entry that is not an object",
    scenarioOf([{ op: "close", expect: { epcm: { "0x5000": "R--" } } }]),
    'steps[0].expect.epcm["0x5000"]',
    true,
  ],
  [
    "an expect.epcm offset given twice",
    scenarioOf([{ op: "close", expect: { epcm: { "0x1000": {}, "4096": {} } } }]),
    'steps[0].expect.epcm["0x1000"]: offset 0x1000 is already given',
    "two keys that differ as text but name the same number",
  ],
];
