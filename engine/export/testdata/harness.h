/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations, not implementations: just enough of the kernel SGX selftests' harness and
 * helpers for `gcc -fsyntax-only` to type-check a TEST_F exported from a scenario as if it
 * were pasted into tools/testing/selftests/sgx/main.c. Written by this project from the
 * signatures and macros of mainline (compared with v6.12, whose selftests/sgx main.c differs
 * from later mainline only by `#define _GNU_SOURCE`):
 *
 *   tools/testing/selftests/kselftest_harness.h   FIXTURE, TEST_F, TEST_F_TIMEOUT, EXPECT_*,
 *                                                  ASSERT_*, SKIP, TH_LOG (syntax only)
 *   tools/testing/selftests/sgx/defines.h          PAGE_SIZE, enum encl_op_type, struct encl_op_*
 *   tools/testing/selftests/sgx/main.h             ENCL_HEAP_SIZE_DEFAULT, struct encl_segment,
 *                                                  struct encl, encl_load() ... encl_get_entry(),
 *                                                  sgx_enter_enclave() (call.S)
 *   tools/testing/selftests/sgx/main.c             MAGIC, MAGIC2, SGX_SECINFO_PENDING/MODIFIED/PR,
 *                                                  the enclave fixture, setup_test_encl(),
 *                                                  get_total_epc_mem(), ENCL_CALL(), EXPECT_EEXIT(),
 *                                                  vdso_sgx_enter_enclave
 *   arch/x86/include/uapi/asm/sgx.h                SGX_IOC_*, the ioctl structs, sgx_enclave_run,
 *                                                  vdso_sgx_enter_enclave_t
 *   arch/x86/include/asm/sgx.h                     SGX_SECINFO_*, SGX_PAGE_TYPE_*, sgx_secinfo
 *   arch/x86/include/asm/enclu.h                   EENTER, ERESUME, EEXIT
 *   tools/include/linux/types.h                    u32
 *
 * main.c defines setup_test_encl() and get_total_epc_mem() `static`; they are declared extern
 * here only because this file has no definitions. The macros only make the code valid C with
 * the same types; they do not run tests.
 */
#ifndef EPCM_EXPORT_HARNESS_H
#define EPCM_EXPORT_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* ---- arch/x86/include/asm/enclu.h ---------------------------------------------------- */

#define EENTER	0x02
#define ERESUME	0x03
#define EEXIT	0x04

/* ---- arch/x86/include/asm/sgx.h -------------------------------------------------------- */

enum sgx_page_type {
	SGX_PAGE_TYPE_SECS,
	SGX_PAGE_TYPE_TCS,
	SGX_PAGE_TYPE_REG,
	SGX_PAGE_TYPE_VA,
	SGX_PAGE_TYPE_TRIM,
};

enum sgx_secinfo_flags {
	SGX_SECINFO_R		= 1 << 0,
	SGX_SECINFO_W		= 1 << 1,
	SGX_SECINFO_X		= 1 << 2,
	SGX_SECINFO_SECS	= SGX_PAGE_TYPE_SECS << 8,
	SGX_SECINFO_TCS		= SGX_PAGE_TYPE_TCS << 8,
	SGX_SECINFO_REG		= SGX_PAGE_TYPE_REG << 8,
	SGX_SECINFO_VA		= SGX_PAGE_TYPE_VA << 8,
	SGX_SECINFO_TRIM	= SGX_PAGE_TYPE_TRIM << 8,
};

struct sgx_secinfo {
	__u64 flags;
	__u8  reserved[56];
} __attribute__((aligned(64)));

/* Opaque here: the exported tests only take their address. */
struct sgx_secs {
	__u8 bytes[4096];
} __attribute__((aligned(4096)));

struct sgx_sigstruct {
	__u8 bytes[1808];
};

/* ---- arch/x86/include/uapi/asm/sgx.h --------------------------------------------------- */

#define SGX_MAGIC 0xA4

#define SGX_IOC_ENCLAVE_CREATE \
	_IOW(SGX_MAGIC, 0x00, struct sgx_enclave_create)
#define SGX_IOC_ENCLAVE_ADD_PAGES \
	_IOWR(SGX_MAGIC, 0x01, struct sgx_enclave_add_pages)
#define SGX_IOC_ENCLAVE_INIT \
	_IOW(SGX_MAGIC, 0x02, struct sgx_enclave_init)
#define SGX_IOC_ENCLAVE_PROVISION \
	_IOW(SGX_MAGIC, 0x03, struct sgx_enclave_provision)
#define SGX_IOC_VEPC_REMOVE_ALL \
	_IO(SGX_MAGIC, 0x04)
#define SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS \
	_IOWR(SGX_MAGIC, 0x05, struct sgx_enclave_restrict_permissions)
#define SGX_IOC_ENCLAVE_MODIFY_TYPES \
	_IOWR(SGX_MAGIC, 0x06, struct sgx_enclave_modify_types)
#define SGX_IOC_ENCLAVE_REMOVE_PAGES \
	_IOWR(SGX_MAGIC, 0x07, struct sgx_enclave_remove_pages)

enum sgx_page_flags {
	SGX_PAGE_MEASURE	= 0x01,
};

struct sgx_enclave_create {
	__u64	src;
};

struct sgx_enclave_add_pages {
	__u64 src;
	__u64 offset;
	__u64 length;
	__u64 secinfo;
	__u64 flags;
	__u64 count;
};

struct sgx_enclave_init {
	__u64 sigstruct;
};

struct sgx_enclave_provision {
	__u64 fd;
};

struct sgx_enclave_restrict_permissions {
	__u64 offset;
	__u64 length;
	__u64 permissions;
	__u64 result;
	__u64 count;
};

struct sgx_enclave_modify_types {
	__u64 offset;
	__u64 length;
	__u64 page_type;
	__u64 result;
	__u64 count;
};

struct sgx_enclave_remove_pages {
	__u64 offset;
	__u64 length;
	__u64 count;
};

struct sgx_enclave_run {
	__u64 tcs;
	__u32 function;
	__u16 exception_vector;
	__u16 exception_error_code;
	__u64 exception_addr;
	__u64 user_handler;
	__u64 user_data;
	__u8  reserved[216];
};

typedef int (*vdso_sgx_enter_enclave_t)(unsigned long rdi, unsigned long rsi,
					unsigned long rdx, unsigned int function,
					unsigned long r8,  unsigned long r9,
					struct sgx_enclave_run *run);

/* ---- tools/testing/selftests/sgx/defines.h ------------------------------------------- */

#define PAGE_SIZE  4096

enum encl_op_type {
	ENCL_OP_PUT_TO_BUFFER,
	ENCL_OP_GET_FROM_BUFFER,
	ENCL_OP_PUT_TO_ADDRESS,
	ENCL_OP_GET_FROM_ADDRESS,
	ENCL_OP_NOP,
	ENCL_OP_EACCEPT,
	ENCL_OP_EMODPE,
	ENCL_OP_INIT_TCS_PAGE,
	ENCL_OP_MAX,
};

struct encl_op_header {
	uint64_t type;
};

struct encl_op_put_to_buf {
	struct encl_op_header header;
	uint64_t value;
};

struct encl_op_get_from_buf {
	struct encl_op_header header;
	uint64_t value;
};

struct encl_op_put_to_addr {
	struct encl_op_header header;
	uint64_t value;
	uint64_t addr;
};

struct encl_op_get_from_addr {
	struct encl_op_header header;
	uint64_t value;
	uint64_t addr;
};

struct encl_op_eaccept {
	struct encl_op_header header;
	uint64_t epc_addr;
	uint64_t flags;
	uint64_t ret;
};

struct encl_op_emodpe {
	struct encl_op_header header;
	uint64_t epc_addr;
	uint64_t flags;
};

struct encl_op_init_tcs_page {
	struct encl_op_header header;
	uint64_t tcs_page;
	uint64_t ssa;
	uint64_t entry;
};

/* ---- tools/include/linux/types.h ------------------------------------------------------ */

typedef __u32 u32;

/* ---- tools/testing/selftests/sgx/main.h ------------------------------------------------ */

#define ENCL_HEAP_SIZE_DEFAULT	4096

struct encl_segment {
	void *src;
	off_t offset;
	size_t size;
	unsigned int prot;
	unsigned int flags;
	bool measure;
};

struct encl {
	int fd;
	void *bin;
	off_t bin_size;
	void *src;
	size_t src_size;
	size_t encl_size;
	off_t encl_base;
	unsigned int nr_segments;
	struct encl_segment *segment_tbl;
	struct sgx_secs secs;
	struct sgx_sigstruct sigstruct;
};

extern unsigned char sign_key[];
extern unsigned char sign_key_end[];

void encl_delete(struct encl *ctx);
bool encl_load(const char *path, struct encl *encl, unsigned long heap_size);
bool encl_measure(struct encl *encl);
bool encl_build(struct encl *encl);
uint64_t encl_get_entry(struct encl *encl, const char *symbol);

/*
 * call.S: pushes rbx and r12-r15, calls *vdso_sgx_enter_enclave with the run struct on the
 * stack, pops them again: the enclave cannot clobber the caller's callee-saved registers.
 */
int sgx_enter_enclave(void *rdi, void *rsi, long rdx, u32 function, void *r8, void *r9,
		      struct sgx_enclave_run *run);

/* ---- tools/testing/selftests/kselftest_harness.h (syntax only) ---------------------- */

struct __test_metadata {
	const char *name;
	int passed;
	int skip;
};

#define FIXTURE_DATA(fixture_name) struct _test_data_##fixture_name
#define FIXTURE(fixture_name) FIXTURE_DATA(fixture_name)

#define TEST_F(fixture_name, test_name) \
	void fixture_name##_##test_name(struct __test_metadata *_metadata, \
					FIXTURE_DATA(fixture_name) *self); \
	void fixture_name##_##test_name(struct __test_metadata *_metadata, \
					FIXTURE_DATA(fixture_name) *self)

/* The timeout must be a positive integer constant, as the harness stores it in the metadata. */
#define TEST_F_TIMEOUT(fixture_name, test_name, timeout) \
	_Static_assert((timeout) > 0, "timeout"); \
	TEST_F(fixture_name, test_name)

#define TH_LOG(fmt, ...) fprintf(stderr, "# " fmt "\n", ##__VA_ARGS__)

#define SKIP(statement, fmt, ...) \
	do { \
		_metadata->skip = 1; \
		TH_LOG(fmt, ##__VA_ARGS__); \
		statement; \
	} while (0)

#define __EXPECT(_expected, _seen, _t, _assert) \
	do { \
		__typeof__(_expected) __exp = (_expected); \
		__typeof__(_seen) __seen = (_seen); \
		if (!(__exp _t __seen)) { \
			_metadata->passed = 0; \
			if (_assert) \
				return; \
		} \
	} while (0)

#define EXPECT_EQ(expected, seen)	__EXPECT(expected, seen, ==, 0)
#define EXPECT_NE(expected, seen)	__EXPECT(expected, seen, !=, 0)
#define EXPECT_LT(expected, seen)	__EXPECT(expected, seen, <, 0)
#define EXPECT_TRUE(seen)		__EXPECT(0, seen, !=, 0)
#define EXPECT_FALSE(seen)		__EXPECT(0, seen, ==, 0)
#define ASSERT_EQ(expected, seen)	__EXPECT(expected, seen, ==, 1)
#define ASSERT_NE(expected, seen)	__EXPECT(expected, seen, !=, 1)
#define ASSERT_TRUE(seen)		__EXPECT(0, seen, !=, 1)
#define ASSERT_FALSE(seen)		__EXPECT(0, seen, ==, 1)

/* ---- tools/testing/selftests/sgx/main.c ------------------------------------------------ */

static const uint64_t MAGIC __attribute__((unused)) = 0x1122334455667788ULL;
static const uint64_t MAGIC2 __attribute__((unused)) = 0x8877665544332211ULL;
extern vdso_sgx_enter_enclave_t vdso_sgx_enter_enclave;

enum sgx_secinfo_page_state {
	SGX_SECINFO_PENDING = (1 << 3),
	SGX_SECINFO_MODIFIED = (1 << 4),
	SGX_SECINFO_PR = (1 << 5),
};

FIXTURE(enclave) {
	struct encl encl;
	struct sgx_enclave_run run;
};

/* static in main.c: encl_load(), encl_measure(), encl_build(), one mmap() per segment. */
bool setup_test_encl(unsigned long heap_size, struct encl *encl,
		     struct __test_metadata *_metadata);

/* static in main.c: the sizes of the EPC sections CPUID leaf 0x12 reports, summed. */
unsigned long get_total_epc_mem(void);

/*
 * Not in mainline: the posted patch "selftests/sgx: Include the dynamic heap size to the
 * ELRANGE calculation" (2022-09-04, with augment_via_eaccept_long) defines it, static, and
 * makes setup_test_encl(h, e, m) call setup_test_encl_dynamic(h, 0, e, m).
 */
bool setup_test_encl_dynamic(unsigned long heap_size, unsigned long dynamic_size,
			     struct encl *encl, struct __test_metadata *_metadata);

/*
 * ENCL_CALL(op, run, clobbered), as main.c defines it: EENTER with `op` in RDI.
 *   clobbered == true:  vdso_sgx_enter_enclave() is called directly from C; the enclave may
 *                       clobber callee-saved registers (clobbered_vdso, tcs_entry, the SGX2
 *                       tests, the EACCEPT loop of unclobbered_vdso_oversubscribed_remove).
 *   clobbered == false: the call goes through sgx_enter_enclave() in call.S, which saves and
 *                       restores them (unclobbered_vdso, unclobbered_vdso_oversubscribed, the
 *                       PUT/GET of unclobbered_vdso_oversubscribed_remove).
 * Both return the vDSO's return value; the outcome lands in *run either way.
 */
#define ENCL_CALL(op, run, clobbered) \
	({ \
		int ret; \
		if ((clobbered)) \
			ret = vdso_sgx_enter_enclave((unsigned long)(op), 0, 0, \
						     EENTER, 0, 0, (run)); \
		else \
			ret = sgx_enter_enclave((void *)(op), NULL, 0, EENTER, NULL, NULL, \
						(run)); \
		ret; \
	})

#define EXPECT_EEXIT(run) \
	do { \
		EXPECT_EQ((run)->function, EEXIT); \
		if ((run)->function != EEXIT) \
			TH_LOG("0x%02x 0x%02x 0x%016llx", (run)->exception_vector, \
			       (run)->exception_error_code, (run)->exception_addr); \
	} while (0)

#endif /* EPCM_EXPORT_HARNESS_H */
