// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_insn_decode.c -- the interceptor's own length decoder agrees with
 * capstone on every instruction of every function of the loaded objects
 * (libc, the dynamic linker, libcapstone, this program, and common
 * libraries when installed: libm, libstdc++, libcrypto...): same length, same
 * RIP-relative displacement, same direct branch destination. Where the
 * decoder gives up (it then asks capstone), the instruction is counted, not
 * failed; a wrong length would be. Then the same over instructions that
 * compilers rarely emit (SSE4a's extrq and insertq) and over random byte
 * strings (more with STRESS=1): wherever both decode, they agree.
 */
#include <capstone/capstone.h>
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../intercept/function_bounds.h"
#include "../../intercept/insn_decode.h"

struct totals {
	long insns, unknown, mismatches, objects;
	csh cs;
	cs_insn *in;
};

static int rip_disp_of(const cs_insn *in)
{
	const cs_x86 *x = &in->detail->x86;

	for (int i = 0; i < x->op_count; i++) {
		if (x->operands[i].type == X86_OP_MEM &&
		    x->operands[i].mem.base == X86_REG_RIP)
			return x->encoding.disp_offset;
	}
	return 0;
}

static int is_direct_branch(const cs_insn *in)
{
	const cs_x86 *x = &in->detail->x86;

	if (x->op_count != 1 || x->operands[0].type != X86_OP_IMM)
		return 0;
	for (int g = 0; g < in->detail->groups_count; g++) {
		if (in->detail->groups[g] == CS_GRP_JUMP ||
		    in->detail->groups[g] == CS_GRP_CALL)
			return 1;
	}
	return 0;
}

static void report(struct totals *t, const char *obj, uintptr_t base,
		   const char *what, const cs_insn *in, int mine)
{
	if (t->mismatches++ < 20)
		printf("%s+%#lx: %s %s: %s capstone %d, decoder %d\n", obj,
		       (unsigned long)(in->address - base), in->mnemonic,
		       in->op_str, what, what[0] == 'l' ? in->size : 0, mine);
}

/* Decodes [lo, hi) both ways, in step; stops where capstone stops. */
static void compare_region(struct totals *t, const char *obj, uintptr_t base,
			   uintptr_t lo, uintptr_t hi)
{
	const uint8_t *code = (const uint8_t *)lo;
	size_t size = hi - lo;
	uint64_t addr = lo;

	while (size > 0) {
		const uint8_t *at = code;
		struct insn_info info;

		if (!cs_disasm_iter(t->cs, &code, &size, &addr, t->in))
			return;
		t->insns++;
		if (insn_decode(at, t->in->size + size, &info) != 0) {
			t->unknown++;
			continue;
		}
		if (info.length != t->in->size) {
			report(t, obj, base, "length", t->in, info.length);
			return; /* the rest of the region is out of step */
		}
		if (info.rip_disp != rip_disp_of(t->in))
			report(t, obj, base, "rip displacement offset", t->in,
			       info.rip_disp);
		if (info.rel_size != 0 && is_direct_branch(t->in) &&
		    insn_branch_target(at, &info, (uintptr_t)at) !=
			(uintptr_t)t->in->detail->x86.operands[0].imm)
			report(t, obj, base, "branch destination", t->in, 0);
		if (info.rel_size == 0 && is_direct_branch(t->in))
			report(t, obj, base, "direct branch missed", t->in, 0);
	}
}

static int each_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct totals *t = data;
	struct function_bounds fb;
	const char *name = info->dlpi_name[0] ? info->dlpi_name : "program";

	(void)size;
	if (strstr(name, "vdso") != NULL)
		return 0;
	if (function_bounds_init(&fb, info->dlpi_addr, info->dlpi_phdr,
				 info->dlpi_phnum) != 0)
		return 0;
	t->objects++;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		uintptr_t hi = lo + ph->p_filesz;
		uintptr_t at = lo;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		while (at < hi) {
			uintptr_t start, end, next;

			if (function_bounds_find(&fb, at, lo, hi, &start, &end,
						 &next))
				compare_region(t, name, info->dlpi_addr, start,
					       end);
			at = next > at ? next : at + 1;
		}
	}
	return 0;
}

/* One instruction at code both ways; a disagreement is reported. */
static void compare_bytes(struct totals *t, const uint8_t *code, size_t size)
{
	const uint8_t *at = code;
	uint64_t addr = 0x10000;
	struct insn_info info;

	if (!cs_disasm_iter(t->cs, &at, &size, &addr, t->in))
		return;
	t->insns++;
	if (insn_decode(code, 15, &info) != 0) {
		t->unknown++;
		return;
	}
	if (info.length == t->in->size && info.rip_disp == rip_disp_of(t->in))
		return;
	if (t->mismatches++ < 20) {
		printf("bytes");
		for (int i = 0; i < t->in->size || i < info.length; i++)
			printf(" %02x", code[i]);
		printf(": %s %s: capstone length %d rip %d, decoder %d rip "
		       "%d\n",
		       t->in->mnemonic, t->in->op_str, t->in->size,
		       rip_disp_of(t->in), info.length, info.rip_disp);
	}
}

static const uint8_t rare[][15] = {
    {0x66, 0x0f, 0x78, 0xc0, 0x04, 0x08}, /* extrq xmm0, 4, 8 */
    {0xf2, 0x0f, 0x78, 0xc1, 0x04, 0x08}, /* insertq xmm0, xmm1, 4, 8 */
    {0x66, 0x0f, 0x79, 0xc1},		  /* extrq xmm0, xmm1 */
    {0xf2, 0x0f, 0x79, 0xc1},		  /* insertq xmm0, xmm1 */
    {0x66, 0x0f, 0x78, 0xc0, 0x04, 0x08, 0x90},
};

/* Random instructions: bytes after a common start (none, 0f, a prefix
 * and 0f, VEX) so that every map is reached. */
static void compare_random(struct totals *t, long n)
{
	static const uint8_t starts[][3] = {
	    {0},	  {0x0f}, {0x66, 0x0f}, {0xf2, 0x0f},
	    {0xf3, 0x0f}, {0x48}, {0x0f, 0x38}, {0x0f, 0x3a},
	    {0xc5},	  {0xc4}, {0x62},
	};
	static const uint8_t start_len[] = {0, 1, 2, 2, 2, 1, 2, 2, 1, 1, 1};
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	uint8_t code[16];

	for (long i = 0; i < n; i++) {
		for (size_t k = 0; k < sizeof(code); k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			code[k] = (uint8_t)x;
		}
		size_t s = (size_t)(x >> 40) % sizeof(start_len);
		memcpy(code, starts[s], start_len[s]);
		compare_bytes(t, code, 15);
	}
}

static const char *const extra[] = {
    "libm.so.6",     "libstdc++.so.6",	"libcrypto.so.3",
    "libz.so.1",     "libsqlite3.so.0", "libpython3.11.so.1.0",
    "libgcc_s.so.1", "libpmemobj.so.1", "libpmem.so.1",
};

int main(void)
{
	struct totals t = {0};

	if (cs_open(CS_ARCH_X86, CS_MODE_64, &t.cs) != CS_ERR_OK)
		return 1;
	cs_option(t.cs, CS_OPT_DETAIL, CS_OPT_ON);
	t.in = cs_malloc(t.cs);
	/* more code, of more kinds (x87, AVX2, AVX-512, FMA), when present */
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		dlopen(extra[i], RTLD_LAZY | RTLD_LOCAL);
	dl_iterate_phdr(each_object, &t);
	printf("%ld objects, %ld instructions, %ld left to capstone, "
	       "%ld mismatches\n",
	       t.objects, t.insns, t.unknown, t.mismatches);
	struct totals r = {.cs = t.cs, .in = t.in};
	for (size_t i = 0; i < sizeof(rare) / sizeof(rare[0]); i++)
		compare_bytes(&r, rare[i], 15);
	compare_random(&r, getenv("STRESS") ? 20000000 : 1000000);
	printf("rare and random: %ld instructions, %ld left to capstone, %ld "
	       "mismatches\n",
	       r.insns, r.unknown, r.mismatches);
	t.mismatches += r.mismatches;
	if (t.objects < 3 || t.insns < 100000) {
		printf("FAIL: too little code compared\n");
		return 1;
	}
	if (t.mismatches != 0) {
		printf("FAIL: the decoder and capstone disagree\n");
		return 1;
	}
	return 0;
}
