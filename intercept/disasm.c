/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * disasm.c -- region decoding with insn_decode, capstone as the fallback for
 * what it does not know and as the second opinion on what gets moved.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"

#ifndef CAPSTONE_SONAME
#define CAPSTONE_SONAME "libcapstone.so.4"
#endif

void disasm_open(struct disasm *d)
{
	memset(d, 0, sizeof(*d));
}

static int open_handle(struct disasm *d)
{
	if (d->cs.open(CS_ARCH_X86, CS_MODE_64, &d->handle) != CS_ERR_OK)
		return -ENOMEM;
	d->cs.option(d->handle, CS_OPT_DETAIL, CS_OPT_ON);
	d->scratch = d->cs.malloc(d->handle);
	if (d->scratch == NULL) {
		d->cs.close(&d->handle);
		return -ENOMEM;
	}
	return 0;
}

/* capstone's functions once a patching loaded it: it is never unloaded */
static struct capstone_api loaded_api;
static int api_loaded;

static int load_capstone(struct disasm *d)
{
	void *lib;

	if (__atomic_load_n(&api_loaded, __ATOMIC_ACQUIRE)) {
		d->cs = loaded_api;
		return open_handle(d);
	}
	if (d->no_load) {
		d->withheld = 1;
		return -ENOENT;
	}
	lib = dlopen(CAPSTONE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL)
		return -ENOENT;
	d->cs.open = (cs_err(*)(cs_arch, cs_mode, csh *))dlsym(lib, "cs_open");
	d->cs.option =
	    (cs_err(*)(csh, cs_opt_type, size_t))dlsym(lib, "cs_option");
	d->cs.malloc = (cs_insn * (*)(csh)) dlsym(lib, "cs_malloc");
	d->cs.free = (void (*)(cs_insn *, size_t))dlsym(lib, "cs_free");
	d->cs.close = (cs_err(*)(csh *))dlsym(lib, "cs_close");
	d->cs.disasm_iter =
	    (bool (*)(csh, const uint8_t **, size_t *, uint64_t *,
		      cs_insn *))dlsym(lib, "cs_disasm_iter");
	if (!d->cs.open || !d->cs.option || !d->cs.malloc || !d->cs.free ||
	    !d->cs.close || !d->cs.disasm_iter)
		return -ENOENT;
	loaded_api = d->cs;
	__atomic_store_n(&api_loaded, 1, __ATOMIC_RELEASE);
	return open_handle(d);
}

/* capstone, loaded on first use; 0 when it is there. */
static int capstone(struct disasm *d)
{
	if (d->state == 0)
		d->state = load_capstone(d) == 0 ? 1 : -1;
	return d->state == 1 ? 0 : -ENOENT;
}

void disasm_close(struct disasm *d)
{
	if (d->state == 1) {
		d->cs.free(d->scratch, 1);
		d->cs.close(&d->handle);
	}
	d->state = 0;
}

static int push_insn(struct code_region *r, const struct insn *in)
{
	if (r->count == r->capacity) {
		size_t cap = r->capacity ? 2 * r->capacity : 256;
		struct insn *n = realloc(r->insns, cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		r->insns = n;
		r->capacity = cap;
	}
	r->insns[r->count++] = *in;
	return 0;
}

long disasm_find(const struct code_region *r, uintptr_t addr)
{
	size_t left = 0, right = r->count;

	while (left < right) {
		size_t mid = left + (right - left) / 2;

		if (r->insns[mid].addr == addr)
			return (long)mid;
		if (r->insns[mid].addr < addr)
			left = mid + 1;
		else
			right = mid;
	}
	return -1;
}

static int is_filler(const struct insn *in)
{
	return in->kind == INSN_NOP || in->kind == INSN_INT3;
}

/*
 * Branch targets: the destinations of the direct branches, and every
 * instruction that execution cannot fall into (after a jump, a return or
 * the filler behind them), which only a branch reaches: a function entry,
 * a jump table's case, an exception landing pad.
 */
static void mark_targets(struct code_region *r)
{
	int unreachable = 0;

	for (size_t i = 0; i < r->count; i++) {
		struct insn *in = &r->insns[i];

		if (i > 0 && !r->insns[i - 1].falls_through)
			unreachable = 1;
		if (unreachable && !is_filler(in)) {
			in->is_target = 1;
			unreachable = 0;
		}
	}
	for (size_t i = 0; i < r->count; i++) {
		const struct insn *in = &r->insns[i];
		struct insn_info info = {.length = in->size,
					 .rel_offset = in->rel_offset,
					 .rel_size = in->rel_size};
		uintptr_t t;
		long at;

		if (in->rel_size == 0)
			continue;
		t = insn_branch_target((const uint8_t *)in->addr, &info,
				       in->addr);
		if (t < r->start || t >= r->decoded_end)
			continue;
		at = disasm_find(r, t);
		if (at >= 0)
			r->insns[at].is_target = 1;
	}
}

/* What insn_decode does not know: capstone sizes it; it never moves. */
static int decode_with_capstone(struct disasm *d, uintptr_t addr, size_t avail,
				struct insn *out)
{
	const uint8_t *code = (const uint8_t *)addr;
	uint64_t a = addr;

	if (capstone(d) != 0 ||
	    !d->cs.disasm_iter(d->handle, &code, &avail, &a, d->scratch))
		return -EINVAL;
	*out = (struct insn){.addr = addr,
			     .size = (uint8_t)d->scratch->size,
			     .kind = INSN_FLOW,
			     .falls_through = 1};
	return 0;
}

int disasm_region(struct disasm *d, struct code_region *r)
{
	uintptr_t addr = r->start;

	r->count = 0;
	while (addr < r->end) {
		struct insn_info info;
		struct insn in;

		if (insn_decode((const uint8_t *)addr, r->end - addr, &info) ==
		    0) {
			in = (struct insn){.addr = addr,
					   .size = info.length,
					   .kind = info.kind,
					   .falls_through = info.falls_through,
					   .rip_disp = info.rip_disp,
					   .rel_offset = info.rel_offset,
					   .rel_size = info.rel_size,
					   .simple = info.simple};
		} else if (decode_with_capstone(d, addr, r->end - addr, &in) !=
			   0) {
			break;
		}
		if (push_insn(r, &in) != 0)
			return -ENOMEM;
		addr += in.size;
	}
	r->decoded_end = addr;
	mark_targets(r);
	return 0;
}

int disasm_confirm(struct disasm *d, const struct insn *in)
{
	const uint8_t *code = (const uint8_t *)in->addr;
	size_t avail = in->size;
	uint64_t a = in->addr;
	const cs_x86 *x;
	int rip = 0;

	if (in->simple)
		return 0;
	if (capstone(d) != 0 ||
	    !d->cs.disasm_iter(d->handle, &code, &avail, &a, d->scratch) ||
	    d->scratch->size != in->size)
		return -EINVAL;
	x = &d->scratch->detail->x86;
	for (int i = 0; i < x->op_count; i++) {
		if (x->operands[i].type == X86_OP_MEM &&
		    x->operands[i].mem.base == X86_REG_RIP) {
			if (x->encoding.disp_size != 4 ||
			    x->encoding.disp_offset != in->rip_disp)
				return -EINVAL;
			rip = 1;
		}
	}
	return rip == (in->rip_disp != 0) ? 0 : -EINVAL;
}
