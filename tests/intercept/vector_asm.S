/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vector_asm.S -- system call sites that check the full vector registers
 * (see vector_regs.c). Each loads the registers from a table, makes system
 * call nr with no arguments set, and stores the registers into seen.
 *
 * long vector_syscall_ymm(long nr, void *seen)   ymm0-ymm15, 16 x 32 bytes
 * long vector_syscall_zmm(long nr, void *seen)   zmm0-zmm31, 32 x 64 bytes,
 *                                                then k0-k7, 16 bits each
 * (8 bytes apart)
 */
	.section .note.GNU-stack, "", @progbits

	.text
	.globl vector_syscall_ymm
	.type vector_syscall_ymm, @function
	.p2align 4
vector_syscall_ymm:
	mov %rdi, %rax
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vmovdqu vector_values+32*\i(%rip), %ymm\i
	.endr
	syscall
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vmovdqu %ymm\i, 32*\i(%rsi)
	.endr
	vzeroupper
	ret
	.size vector_syscall_ymm, .-vector_syscall_ymm

	.globl vector_syscall_zmm
	.type vector_syscall_zmm, @function
	.p2align 4
vector_syscall_zmm:
	mov %rdi, %rax
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	vmovdqu64 vector_values+64*\i(%rip), %zmm\i
	.endr
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7
	kmovw vector_values+64*32+8*\i(%rip), %k\i
	.endr
	syscall
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	vmovdqu64 %zmm\i, 64*\i(%rsi)
	.endr
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7
	kmovw %k\i, 64*32+8*\i(%rsi)
	.endr
	vzeroupper
	ret
	.size vector_syscall_zmm, .-vector_syscall_zmm

/* Byte j of the table is j * 7 + 3 (mod 256), so every lane differs. */
	.section .rodata
	.p2align 6
	.globl vector_table
	.type vector_table, @object
vector_table:
vector_values:
	.set j, 0
	.rept 64 * 32 + 8 * 8
	.byte (j * 7 + 3) & 0xff
	.set j, j + 1
	.endr
	.size vector_table, .-vector_table
