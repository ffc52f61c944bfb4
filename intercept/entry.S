/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * entry.S -- the code every per-site trampoline calls.
 *
 * A trampoline reaches intercept_entry with %r11 pointing at its site
 * descriptor, 128 bytes below the original stack pointer (the red zone is
 * kept) and a return address pushed. The entry saves what the C code may
 * clobber and the kernel would have preserved (the caller-saved general
 * registers, the flags, xmm0-15), builds a struct intercept_regs and calls
 * intercept_dispatch.
 *
 * intercept_dispatch returns two words: %rax, the value to hand back, and
 * %rdx, 0 for "return %rax to the patched code", or 1 for "execute the real
 * system call yourself, at the original stack pointer": then %rax is the
 * address of the site's raw stub. That path is used for clone, clone3, vfork
 * and rt_sigreturn, where the new thread or process must not return through
 * our stack frames (see trampoline.c for the stub).
 *
 * intercept_clone_entry is called by a raw stub right after the kernel
 * returned from a clone-like call, in the parent and in the child, with the
 * system call number in %rcx; it calls intercept_after_clone the same way.
 */

	.text

/* The layout of struct intercept_regs (intercept.h), from the top down. */
.macro SAVE_REGS
	pushfq
	pushq	%rax
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%r10
	pushq	%r8
	pushq	%r9
	pushq	%r11
	pushq	%rcx
	pushq	%rbp
	movq	%rsp, %rbp
	andq	$-16, %rsp
	subq	$256, %rsp
	movaps	%xmm0, 0(%rsp)
	movaps	%xmm1, 16(%rsp)
	movaps	%xmm2, 32(%rsp)
	movaps	%xmm3, 48(%rsp)
	movaps	%xmm4, 64(%rsp)
	movaps	%xmm5, 80(%rsp)
	movaps	%xmm6, 96(%rsp)
	movaps	%xmm7, 112(%rsp)
	movaps	%xmm8, 128(%rsp)
	movaps	%xmm9, 144(%rsp)
	movaps	%xmm10, 160(%rsp)
	movaps	%xmm11, 176(%rsp)
	movaps	%xmm12, 192(%rsp)
	movaps	%xmm13, 208(%rsp)
	movaps	%xmm14, 224(%rsp)
	movaps	%xmm15, 240(%rsp)
	cld
	leaq	8(%rbp), %rdi
.endm

.macro RESTORE_VECTORS
	movaps	0(%rsp), %xmm0
	movaps	16(%rsp), %xmm1
	movaps	32(%rsp), %xmm2
	movaps	48(%rsp), %xmm3
	movaps	64(%rsp), %xmm4
	movaps	80(%rsp), %xmm5
	movaps	96(%rsp), %xmm6
	movaps	112(%rsp), %xmm7
	movaps	128(%rsp), %xmm8
	movaps	144(%rsp), %xmm9
	movaps	160(%rsp), %xmm10
	movaps	176(%rsp), %xmm11
	movaps	192(%rsp), %xmm12
	movaps	208(%rsp), %xmm13
	movaps	224(%rsp), %xmm14
	movaps	240(%rsp), %xmm15
	movq	%rbp, %rsp
	popq	%rbp
.endm

	.globl	intercept_entry
	.hidden	intercept_entry
	.type	intercept_entry, @function
intercept_entry:
	.cfi_startproc
	SAVE_REGS
	call	intercept_dispatch
	RESTORE_VECTORS
	popq	%rcx
	popq	%r11
	popq	%r9
	popq	%r8
	popq	%r10
	testq	%rdx, %rdx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	jnz	1f
	leaq	8(%rsp), %rsp
	popfq
	ret
1:
	/* Raw path: back to the state of the site, then to its raw stub. */
	movq	%rax, %rcx
	popq	%rax
	popfq
	leaq	136(%rsp), %rsp
	jmp	*%rcx
	.cfi_endproc
	.size	intercept_entry, .-intercept_entry

	.globl	intercept_clone_entry
	.hidden	intercept_clone_entry
	.type	intercept_clone_entry, @function
intercept_clone_entry:
	.cfi_startproc
	SAVE_REGS
	call	intercept_after_clone
	RESTORE_VECTORS
	popq	%rcx
	popq	%r11
	popq	%r9
	popq	%r8
	popq	%r10
	popq	%rdx
	popq	%rsi
	popq	%rdi
	popq	%rax
	popfq
	ret
	.cfi_endproc
	.size	intercept_clone_entry, .-intercept_clone_entry

/*
 * long syscall_no_intercept(long nr, ...): the arguments arrive in the C
 * convention and are moved to the kernel's.
 */
	.globl	syscall_no_intercept
	.type	syscall_no_intercept, @function
syscall_no_intercept:
	.cfi_startproc
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	movq	%r8, %r10
	movq	%r9, %r8
	movq	8(%rsp), %r9
	syscall
	ret
	.cfi_endproc
	.size	syscall_no_intercept, .-syscall_no_intercept

	.section .note.GNU-stack,"",@progbits
