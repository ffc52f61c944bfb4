/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * disasm.h -- decoding a function with capstone: its instruction boundaries,
 * which instructions transfer control, and its direct branch targets.
 */
#ifndef INTERCEPT_DISASM_H
#define INTERCEPT_DISASM_H

#include <capstone/capstone.h>
#include <stdint.h>

enum insn_kind {
	INSN_PLAIN,   /* falls through, may be moved */
	INSN_SYSCALL, /* 0f 05 */
	INSN_FLOW,    /* jumps, calls, returns, traps: never moved */
	INSN_PADDING, /* nop or int3 */
};

struct insn {
	uintptr_t addr;
	uint8_t size;
	uint8_t kind;
	uint8_t is_target; /* some branch of the function lands here */
};

struct code_region {
	uintptr_t start, end;
	struct insn *insns;
	size_t count, capacity;
	/* start + decoded bytes: [start, decoded_end) was decoded cleanly */
	uintptr_t decoded_end;
};

struct disasm {
	csh fast;   /* no detail: boundaries and ids only */
	csh detail; /* operands, for the few instructions that get moved */
	cs_insn *scratch;
};

int disasm_open(struct disasm *d);
void disasm_close(struct disasm *d);

/* Decodes [r->start, r->end) and marks the branch targets inside it. */
int disasm_region(struct disasm *d, struct code_region *r);

/* The index of the instruction at addr in r, or -1. */
long disasm_find(const struct code_region *r, uintptr_t addr);

/* The target of a direct relative jump, call or jcc at addr, or 0. */
uintptr_t disasm_direct_target(const uint8_t *code, size_t size,
			       uintptr_t addr);

/*
 * Copies the instruction at from (size bytes) to to, rewriting a
 * RIP-relative operand for its new address. Returns 0, or -ERANGE when the
 * operand cannot reach from there, -EINVAL when it cannot be moved.
 */
int disasm_relocate(struct disasm *d, uintptr_t from, size_t size, uint8_t *to,
		    uintptr_t to_addr);

#endif
