// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_insn_decode.c -- the interceptor's own length decoder agrees with
 * capstone on every instruction of every function of the loaded objects
 * (libc, the dynamic linker, libcapstone, this program, and common
 * libraries when installed: libm, libstdc++, libcrypto...): same length, same
 * RIP-relative displacement, same direct branch destination. Where the
 * decoder gives up (it then asks capstone), the instruction is counted, not
 * failed; a wrong length would be.
 */
#include <capstone/capstone.h>
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
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
