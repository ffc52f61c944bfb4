/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * insn_decode.h -- x86-64 instruction lengths and the few properties the
 * patcher needs, decoded from the encoding alone.
 *
 * Capstone formats the text of every instruction it decodes, which makes
 * decoding the functions around libc's syscalls cost several milliseconds
 * at every process start. This decoder only measures instructions; every
 * instruction the patcher moves is decoded again by capstone and must agree
 * (disasm.c).
 */
#ifndef INTERCEPT_INSN_DECODE_H
#define INTERCEPT_INSN_DECODE_H

#include <stddef.h>
#include <stdint.h>

enum insn_kind {
	INSN_PLAIN,   /* falls through, no control transfer */
	INSN_SYSCALL, /* 0f 05 */
	INSN_NOP,     /* 90, 0f 1f /0 */
	INSN_INT3,    /* cc */
	INSN_JCC,     /* direct conditional branch */
	INSN_JMP,     /* direct jump */
	INSN_CALL,    /* direct call */
	INSN_RET,     /* c3 */
	INSN_FLOW,    /* anything else that transfers control, or must stay */
};

struct insn_info {
	uint8_t length;
	uint8_t kind;
	uint8_t falls_through; /* execution may continue at the next one */
	uint8_t rip_disp;      /* offset of a RIP-relative disp32, or 0 */
	uint8_t rel_offset;    /* offset of a direct branch's displacement */
	uint8_t rel_size;      /* 1 or 4, 0 when not a direct branch */
	/*
	 * No legacy prefix, no memory operand: a one-byte opcode that does
	 * not transfer control (mov $imm, %eax; mov %rdi, %rax), or a direct
	 * jump, jcc, call, or a ret: a length nothing can make ambiguous.
	 */
	uint8_t simple;
};

/* Decodes the instruction at code; -EINVAL when it is not understood. */
int insn_decode(const uint8_t *code, size_t avail, struct insn_info *info);

/* The destination of a direct branch decoded at addr. */
uintptr_t insn_branch_target(const uint8_t *code, const struct insn_info *in,
			     uintptr_t addr);

#endif
