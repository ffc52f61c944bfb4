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

/*
 * capstone is loaded with dlopen the first time it is needed: loading it
 * relocates a megabyte of tables, which would cost every process start more
 * than all the rest of the patching.
 */
struct capstone_api {
	cs_err (*open)(cs_arch arch, cs_mode mode, csh *handle);
	cs_err (*option)(csh handle, cs_opt_type type, size_t value);
	cs_insn *(*malloc)(csh handle);
	void (*free)(cs_insn *insn, size_t count);
	cs_err (*close)(csh *handle);
	bool (*disasm_iter)(csh handle, const uint8_t **code, size_t *size,
			    uint64_t *address, cs_insn *insn);
};

struct disasm {
	int state; /* 0 not loaded yet, 1 ready, -1 unavailable */
	struct capstone_api cs;
	csh handle; /* with operand details */
	cs_insn *scratch;
	/*
	 * Set by the caller for an object the dynamic loader is mapping: a
	 * dlopen there, inside the loader, could find it half done. capstone
	 * is then used only when an earlier patching loaded it, and withheld
	 * is set when it was wanted but not loaded.
	 */
	int no_load;
	int withheld;
};

void disasm_open(struct disasm *d);
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
