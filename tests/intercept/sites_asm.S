/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sites_asm.S -- system call sites that are hard to patch (see
 * tricky_sites.c). Each site_* function expects the system call number in
 * rax and its arguments in rdi, rsi, rdx; r9 carries a tag that identifies
 * the site to the hook (the calls used ignore their sixth argument).
 * sites_call(fn, nr, a0, a1, a2, tag) sets this up and calls fn; it clears
 * r9 afterwards, so that no later call of the C library carries the tag.
 */
	.section .note.GNU-stack, "", @progbits

	.text

	.globl sites_call
	.type sites_call, @function
	.p2align 4
sites_call:
	mov %rdi, %r11
	mov %rsi, %rax
	mov %rdx, %rdi
	mov %rcx, %rsi
	mov %r8, %rdx
	sub $8, %rsp
	call *%r11
	add $8, %rsp
	xor %r9d, %r9d
	ret
	.size sites_call, .-sites_call

/* The syscall is the first instruction of the function. */
	.globl site_first
	.type site_first, @function
	.p2align 4
site_first:
	syscall
	ret
	.size site_first, .-site_first

/* endbr64 right before the syscall, at the function entry. */
	.globl site_endbr
	.type site_endbr, @function
	.p2align 4
site_endbr:
	endbr64
	syscall
	ret
	.size site_endbr, .-site_endbr

/* The syscall and ret are the last bytes before int3 padding. */
	.globl site_last
	.type site_last, @function
	.p2align 4, 0xcc
site_last:
	nop
	syscall
	ret
	.size site_last, .-site_last
	.p2align 4, 0xcc

/* The syscall is the very last instruction (it must not return). */
	.globl site_exit_last
	.type site_exit_last, @function
site_exit_last:
	syscall
	.size site_exit_last, .-site_exit_last
	.p2align 4, 0xcc

/* A branch targets the instruction right after the syscall (rsi != 0). */
	.globl site_branch_after
	.type site_branch_after, @function
	.p2align 4
site_branch_after:
	test %rsi, %rsi
	jnz 1f
	syscall
1:	add $1000, %rax
	ret
	.size site_branch_after, .-site_branch_after

/* A branch targets the syscall itself (rsi != 0). */
	.globl site_branch_at
	.type site_branch_at, @function
	.p2align 4
site_branch_at:
	test %rsi, %rsi
	jnz 1f
	add $0, %rdi
1:	syscall
	ret
	.size site_branch_at, .-site_branch_at

/* RIP-relative loads and stores on both sides of the syscall. */
	.globl site_riprel
	.type site_riprel, @function
	.p2align 4
site_riprel:
	mov %rdi, sites_scratch(%rip)
	lea sites_constants(%rip), %rdx
	syscall
	add sites_constants+8(%rip), %rax
	cmpq $0, sites_scratch(%rip)
	jne 1f
	add $1, %rax
1:	sub (%rdx), %rax
	ret
	.size site_riprel, .-site_riprel

/* A relative call right after the syscall. */
	.globl site_call_after
	.type site_call_after, @function
	.p2align 4
site_call_after:
	syscall
	call sites_add_seven
	ret
	.size site_call_after, .-site_call_after

/* A short jump right after the syscall. */
	.globl site_jmp_after
	.type site_jmp_after, @function
	.p2align 4
site_jmp_after:
	syscall
	jmp 1f
	int3
	int3
1:	add $9, %rax
	ret
	.size site_jmp_after, .-site_jmp_after

/* A conditional short jump right after the syscall. */
	.globl site_jcc_after
	.type site_jcc_after, @function
	.p2align 4
site_jcc_after:
	syscall
	test %rax, %rax
	js 1f
	add $11, %rax
	ret
1:	sub $11, %rax
	ret
	.size site_jcc_after, .-site_jcc_after

/* Two syscalls back to back: sched_yield returns 0, which is read. */
	.globl site_back_to_back
	.type site_back_to_back, @function
	.p2align 4
site_back_to_back:
	syscall
	syscall
	ret
	.size site_back_to_back, .-site_back_to_back

/*
 * A syscall in a tight loop: getppid, rdi times. The loop's branch targets
 * the mov, so only the syscall, dec and jnz are left for a patch window.
 */
	.globl site_loop
	.type site_loop, @function
	.p2align 4
site_loop:
	mov %rdi, %r8
1:	mov $110, %eax
	syscall
	dec %r8
	jnz 1b
	ret
	.size site_loop, .-site_loop

/*
 * Alignment nops that are executed: the function falls through them into a
 * loop whose head is the syscall, and the instruction after the syscall is
 * a branch target too, so the site itself has only its 2 bytes. The nops
 * look like padding but are not: a jump stored there would run on entry.
 * Makes the call rsi times (rsi >= 1); rdi must be 0.
 */
	.globl site_live_nops
	.type site_live_nops, @function
	.p2align 4
site_live_nops:
	mov %rsi, %r8
	mov %rax, %r10
	test %rdi, %rdi
	jnz 2f
	.p2align 4
1:	syscall
2:	mov %r10, %rax
	dec %r8
	jnz 1b
	ret
	.size site_live_nops, .-site_live_nops

	.type sites_add_seven, @function
	.p2align 4
sites_add_seven:
	add $7, %rax
	ret
	.size sites_add_seven, .-sites_add_seven

	.section .rodata
	.p2align 3
sites_constants:
	.quad 3, 5003

	.bss
	.p2align 3
sites_scratch:
	.zero 8
