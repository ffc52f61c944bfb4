/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * regs_asm.S -- a system call site that checks what the kernel preserves.
 *
 * long regs_syscall(long nr, struct regs_seen *seen)
 *
 * Loads every general register but rax, rcx and r11 with a known value,
 * xmm0-xmm15 with known patterns, the flags with CF PF AF ZF SF OF set, and
 * fills the 128-byte red zone below rsp; then makes system call nr (its six
 * arguments are the known values of rdi, rsi, rdx, r10, r8, r9). Right after
 * the syscall instruction everything is stored into *seen, which the caller
 * compares with what was loaded (see regs_preserve.c for the layout).
 */
	.section .note.GNU-stack, "", @progbits

	.set REGS_FLAGS, 0x8d7

	.text
	.globl regs_syscall
	.type regs_syscall, @function
	.p2align 4
regs_syscall:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsi, seen_ptr(%rip)
	mov %rdi, %rax
	mov %rsp, rsp_before(%rip)

	push $REGS_FLAGS
	popfq

	/* The red zone: 16 quadwords below rsp. */
	.irp i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
	movabs $(0x5a5a000000000000 + \i), %rbx
	mov %rbx, -8*\i(%rsp)
	.endr

	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	movdqu xmm_values+16*\i(%rip), %xmm\i
	.endr

	movabs $0x1111111111111101, %rbx
	movabs $0x2222222222222202, %rdx
	movabs $0x3333333333333303, %rsi
	movabs $0x4444444444444404, %rdi
	movabs $0x5555555555555505, %rbp
	movabs $0x6666666666666606, %r8
	movabs $0x7777777777777707, %r9
	movabs $0x8888888888888808, %r10
	movabs $0x9999999999999909, %r12
	movabs $0xaaaaaaaaaaaaaa0a, %r13
	movabs $0xbbbbbbbbbbbbbb0b, %r14
	movabs $0xcccccccccccccc0c, %r15
	syscall
	/* From here on nothing may change the flags until they are saved. */
	mov %r15, r15_after(%rip)
	mov seen_ptr(%rip), %r15
	mov %rax, 0(%r15)
	mov %rbx, 8(%r15)
	mov %rdx, 16(%r15)
	mov %rsi, 24(%r15)
	mov %rdi, 32(%r15)
	mov %rbp, 40(%r15)
	mov %r8, 48(%r15)
	mov %r9, 56(%r15)
	mov %r10, 64(%r15)
	mov %r12, 72(%r15)
	mov %r13, 80(%r15)
	mov %r14, 88(%r15)
	mov r15_after(%rip), %rbx
	mov %rbx, 96(%r15)
	mov %rsp, 104(%r15)
	mov rsp_before(%rip), %rbx
	mov %rbx, 112(%r15)
	/* The red zone, copied before pushfq writes into it. */
	.irp i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
	mov -8*\i(%rsp), %rbx
	mov %rbx, 128+8*(\i-1)(%r15)
	.endr
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	movdqu %xmm\i, 256+16*\i(%r15)
	.endr
	pushfq
	pop %rbx
	mov %rbx, 120(%r15)
	cld

	mov 0(%r15), %rax
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
	.size regs_syscall, .-regs_syscall

	.section .rodata
	.p2align 4
xmm_values:
	.irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.quad 0x0123456789abcd00 + \i, 0xfedcba9876543200 + \i
	.endr

	.bss
	.p2align 3
seen_ptr:
	.zero 8
rsp_before:
	.zero 8
r15_after:
	.zero 8
