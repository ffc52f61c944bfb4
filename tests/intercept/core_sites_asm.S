/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * core_sites_asm.S -- syscall sites for core_sites.c, each function with its
 * call frame information, as a compiler would emit it (the patcher takes
 * function bounds from .eh_frame).
 */
	.text

/*
 * long core_far_target(long nr): nr's result + 3. The jmp makes the syscall
 * a branch target, so a window must start at the syscall; the add after it
 * is reached by a rel32 jump from core_far_jumper, another function, so the
 * window cannot take it either: only a jump through padding is left.
 */
	.globl	core_far_target
	.type	core_far_target, @function
	.p2align 4
core_far_target:
	.cfi_startproc
	movq	%rdi, %rax
	jmp	1f
1:
	syscall
	.globl	core_far_landing
	.type	core_far_landing, @function
core_far_landing:
	addq	$1, %rax
	addq	$2, %rax
	ret
	.cfi_endproc
	.size	core_far_target, .-core_far_target
	.size	core_far_landing, .-core_far_landing

/* long core_far_jumper(void): 100 + 3, through core_far_landing. */
	.globl	core_far_jumper
	.type	core_far_jumper, @function
	.p2align 5 /* padding after core_far_target */
core_far_jumper:
	.cfi_startproc
	movq	$100, %rax
	.byte	0xe9 /* jmp rel32, whatever the distance */
	.long	core_far_landing - (. + 4)
	.cfi_endproc
	.size	core_far_jumper, .-core_far_jumper

/*
 * long core_boxed(long nr): nr's result. The syscall is a branch target and
 * so is what follows it, and no padding lies within 127 bytes: it cannot be
 * patched, must be logged so, and must still work.
 */
	.globl	core_boxed
	.type	core_boxed, @function
	.p2align 4
core_boxed:
	.cfi_startproc
	movq	%rdi, %rax
	.rept	40
	addq	$0, %rdi
	.endr
	xorl	%esi, %esi
	testq	%rsi, %rsi
	jne	2f
	jmp	1f
1:
	.globl	core_boxed_site
	.type	core_boxed_site, @function
core_boxed_site:
	syscall
	.size	core_boxed_site, 2
2:
	.rept	40
	addq	$0, %rdi
	.endr
	ret
	.cfi_endproc
	.size	core_boxed, .-core_boxed

	.section .note.GNU-stack,"",@progbits
