/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * disasm.c -- the only user of capstone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "disasm.h"

int disasm_open(struct disasm *d)
{
	memset(d, 0, sizeof(*d));
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &d->fast) != CS_ERR_OK)
		return -ENOMEM;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &d->detail) != CS_ERR_OK) {
		cs_close(&d->fast);
		return -ENOMEM;
	}
	cs_option(d->detail, CS_OPT_DETAIL, CS_OPT_ON);
	d->scratch = cs_malloc(d->fast);
	if (d->scratch == NULL) {
		disasm_close(d);
		return -ENOMEM;
	}
	return 0;
}

void disasm_close(struct disasm *d)
{
	if (d->scratch != NULL)
		cs_free(d->scratch, 1);
	cs_close(&d->fast);
	cs_close(&d->detail);
	d->scratch = NULL;
}

static int is_prefix(uint8_t b)
{
	switch (b) {
	case 0x26:
	case 0x2e:
	case 0x36:
	case 0x3e:
	case 0x64:
	case 0x65:
	case 0x66:
	case 0x67:
	case 0xf0:
	case 0xf2:
	case 0xf3:
		return 1;
	default:
		return (b & 0xf0) == 0x40; /* REX */
	}
}

uintptr_t disasm_direct_target(const uint8_t *code, size_t size, uintptr_t addr)
{
	size_t i = 0;
	int32_t rel32;

	while (i < size && is_prefix(code[i]))
		i++;
	if (i >= size)
		return 0;
	if ((code[i] >= 0x70 && code[i] <= 0x7f) || code[i] == 0xeb ||
	    (code[i] >= 0xe0 && code[i] <= 0xe3)) {
		if (i + 2 != size)
			return 0;
		return addr + size + (uintptr_t)(intptr_t)(int8_t)code[i + 1];
	}
	if (code[i] == 0xe8 || code[i] == 0xe9) {
		if (i + 5 != size)
			return 0;
		memcpy(&rel32, code + i + 1, 4);
		return addr + size + (uintptr_t)(intptr_t)rel32;
	}
	if (code[i] == 0x0f && i + 1 < size && code[i + 1] >= 0x80 &&
	    code[i + 1] <= 0x8f) {
		if (i + 6 != size)
			return 0;
		memcpy(&rel32, code + i + 2, 4);
		return addr + size + (uintptr_t)(intptr_t)rel32;
	}
	return 0;
}

static enum insn_kind kind_of(const cs_insn *in)
{
	switch (in->id) {
	case X86_INS_SYSCALL:
		return in->size == 2 ? INSN_SYSCALL : INSN_FLOW;
	case X86_INS_NOP:
	case X86_INS_INT3:
		return INSN_PADDING;
	case X86_INS_JAE:
	case X86_INS_JA:
	case X86_INS_JBE:
	case X86_INS_JB:
	case X86_INS_JCXZ:
	case X86_INS_JECXZ:
	case X86_INS_JE:
	case X86_INS_JGE:
	case X86_INS_JG:
	case X86_INS_JLE:
	case X86_INS_JL:
	case X86_INS_JMP:
	case X86_INS_JNE:
	case X86_INS_JNO:
	case X86_INS_JNP:
	case X86_INS_JNS:
	case X86_INS_JO:
	case X86_INS_JP:
	case X86_INS_JRCXZ:
	case X86_INS_JS:
	case X86_INS_LOOP:
	case X86_INS_LOOPE:
	case X86_INS_LOOPNE:
	case X86_INS_CALL:
	case X86_INS_RET:
	case X86_INS_RETF:
	case X86_INS_RETFQ:
	case X86_INS_LJMP:
	case X86_INS_LCALL:
	case X86_INS_INT:
	case X86_INS_INT1:
	case X86_INS_INTO:
	case X86_INS_UD2:
	case X86_INS_SYSENTER:
	case X86_INS_IRET:
	case X86_INS_IRETD:
	case X86_INS_IRETQ:
	case X86_INS_HLT:
	case X86_INS_XBEGIN:
	case X86_INS_XABORT:
	case X86_INS_XEND:
	case X86_INS_ENDBR64:
		return INSN_FLOW;
	default:
		return INSN_PLAIN;
	}
}

static int push_insn(struct code_region *r, const cs_insn *in)
{
	if (r->count == r->capacity) {
		size_t cap = r->capacity ? 2 * r->capacity : 256;
		struct insn *n = realloc(r->insns, cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		r->insns = n;
		r->capacity = cap;
	}
	r->insns[r->count++] = (struct insn){
	    .addr = (uintptr_t)in->address,
	    .size = (uint8_t)in->size,
	    .kind = (uint8_t)kind_of(in),
	};
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

static void mark_targets(struct code_region *r)
{
	for (size_t i = 0; i < r->count; i++) {
		const struct insn *in = &r->insns[i];
		uintptr_t t;
		long at;

		if (in->kind != INSN_FLOW)
			continue;
		t = disasm_direct_target((const uint8_t *)in->addr, in->size,
					 in->addr);
		if (t < r->start || t >= r->decoded_end)
			continue;
		at = disasm_find(r, t);
		if (at >= 0)
			r->insns[at].is_target = 1;
	}
}

int disasm_region(struct disasm *d, struct code_region *r)
{
	const uint8_t *code = (const uint8_t *)r->start;
	size_t size = r->end - r->start;
	uint64_t addr = r->start;

	r->count = 0;
	while (size > 0) {
		if (!cs_disasm_iter(d->fast, &code, &size, &addr, d->scratch))
			break;
		if (push_insn(r, d->scratch) != 0)
			return -ENOMEM;
	}
	r->decoded_end = (uintptr_t)addr;
	mark_targets(r);
	return 0;
}

int disasm_relocate(struct disasm *d, uintptr_t from, size_t size, uint8_t *to,
		    uintptr_t to_addr)
{
	cs_insn *in = NULL;
	const cs_x86 *x;
	int ret = 0;

	if (cs_disasm(d->detail, (const uint8_t *)from, size, from, 1, &in) !=
	    1)
		return -EINVAL;
	x = &in->detail->x86;
	memcpy(to, (const void *)from, size);
	for (int i = 0; i < x->op_count; i++) {
		int64_t disp;

		if (x->operands[i].type != X86_OP_MEM ||
		    x->operands[i].mem.base != X86_REG_RIP)
			continue;
		if (x->encoding.disp_size != 4 ||
		    x->encoding.disp_offset == 0) {
			ret = -EINVAL;
			break;
		}
		disp = (int64_t)x->operands[i].mem.disp + (int64_t)from -
		       (int64_t)to_addr;
		if (disp != (int32_t)disp) {
			ret = -ERANGE;
			break;
		}
		int32_t d32 = (int32_t)disp;
		memcpy(to + x->encoding.disp_offset, &d32, 4);
	}
	cs_free(in, 1);
	return ret;
}
