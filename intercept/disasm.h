/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * disasm.h -- decoding a function: its instruction boundaries, what each
 * instruction is, and which instructions a branch of the function lands on.
 */
#ifndef INTERCEPT_DISASM_H
#define INTERCEPT_DISASM_H

#include <capstone/capstone.h>
#include <stdint.h>

#include "insn_decode.h"

struct insn {
	uintptr_t addr;
	uint8_t size;
	uint8_t kind; /* enum insn_kind */
	uint8_t falls_through;
	uint8_t is_target; /* some branch of the function lands here */
	uint8_t rip_disp;
	uint8_t rel_offset, rel_size;
	uint8_t simple; /* see struct insn_info */
};

struct code_region {
	uintptr_t start, end;
	struct insn *insns;
	size_t count, capacity;
	/* [start, decoded_end) was decoded without a gap */
	uintptr_t decoded_end;
};

struct disasm {
	csh handle; /* with operand details */
	cs_insn *scratch;
};

int disasm_open(struct disasm *d);
void disasm_close(struct disasm *d);

/* Decodes [r->start, r->end) and marks the branch targets inside it. */
int disasm_region(struct disasm *d, struct code_region *r);

/* The index of the instruction at addr in r, or -1. */
long disasm_find(const struct code_region *r, uintptr_t addr);

/*
 * Checks with capstone that in is what insn_decode said it is (length,
 * RIP-relative displacement): every instruction that gets moved is checked,
 * but for the simple register and immediate forms.
 */
int disasm_confirm(struct disasm *d, const struct insn *in);

#endif
