/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * entry.S -- the code every per-site trampoline calls.
 *
 * A trampoline reaches an entry with %r11 pointing at its site descriptor,
 * 128 bytes below the stack pointer of the patched code (its red zone is
 * kept); it jumps to intercept_entry_* with where to come back in %rcx,
 * which the entry pushes, and calls intercept_clone_entry_*. The entry saves what C code may
 * clobber and the kernel would have preserved (the caller-saved general
 * registers, the flags, the vector registers), builds a struct
 * intercept_regs and calls the C side. Each entry comes in three widths of
 * vector state: xmm0-15, ymm0-15, or zmm0-31 and k0-7; which one an
 * object's sites call is chosen by intercept_vector_save (trampoline.c).
 *
 * intercept_dispatch returns two words: %rax, the value to hand back, and
 * %rdx, 0 for "return %rax to the patched code", 2 for "make the call with
 * the saved registers and return its result", or 1 for "execute the real
 * system call yourself, at the original stack pointer": then %rax is the
 * address of the site's raw stub. That path is used for clone, clone3, vfork
 * and rt_sigreturn, where the new thread or process must not return through
 * our stack frames (see trampoline.c for the stub).
 *
 * The clone entries are called by a raw stub right after the kernel
 * returned from a clone-like call, in the parent and in the child, with the
 * system call number in %rcx; they call intercept_after_clone.
 *
 * The call frame information describes each entry as if it had been called
 * from the patched code right after its syscall instruction (the return
 * address is computed from the site descriptor, the CFA is the patched code's
 * stack pointer), so that an unwinder, for a thread cancellation or a
 * debugger's backtrace, steps from the hook into the patched function.
 *
 * Frame, from the top (S: the patched code's %rsp, E = S - 136 at entry):
 *   E+0 return into the trampoline, E-8 rflags, E-16 rax, E-24 r9,
 *   E-32 r8, E-40 r10, E-48 rdx, E-56 rsi, E-64 rdi (the six arguments in
 *   order, upwards), E-72 r11 (site), E-80 rcx, E-88 rbp, then the vector
 *   registers, aligned.
 */

#define SITE_RETURN_TO 32 /* offsetof(struct patch_site, return_to) */

/*
 * DW_CFA_val_expression: the return address (column 16) is the site's
 * descriptor plus the return_to it holds (relative to itself), the
 * descriptor being r11 (breg11 0, dup, plus_uconst, deref, plus) ...
 */
#define RA_FROM_R11 .cfi_escape 0x16, 16, 7, 0x7b, 0x00, 0x12, 0x23, \
	SITE_RETURN_TO, 0x06, 0x22
/* ... or the r11 saved at CFA - 208 (const2s -208, plus, deref, then so) */
#define RA_FROM_FRAME .cfi_escape 0x16, 16, 10, 0x0b, 0x30, 0xff, 0x22, \
	0x06, 0x12, 0x23, SITE_RETURN_TO, 0x06, 0x22
/* Flags that the fast restore (sahf, and an add for OF) cannot set. */
#define FLAGS_SLOW 0x40500 /* TF, DF, AC */

	.text
.macro PUSH reg
	pushq	\reg
	.cfi_adjust_cfa_offset 8
.endm

.macro POP reg
	popq	\reg
	.cfi_adjust_cfa_offset -8
.endm

.macro SAVE_GPRS
	pushfq
	.cfi_adjust_cfa_offset 8
	PUSH	%rax
	PUSH	%r9
	PUSH	%r8
	PUSH	%r10
	PUSH	%rdx
	PUSH	%rsi
	PUSH	%rdi
	PUSH	%r11
	RA_FROM_FRAME
	PUSH	%rcx
	PUSH	%rbp
	.cfi_offset rbp, -224
	movq	%rsp, %rbp
	.cfi_def_cfa_register rbp
.endm

/* width: 0 xmm0-15, 1 ymm0-15, 2 zmm0-31 and k0-7 */
.macro SAVE_VECTORS width
.if \width == 2
	andq	$-64, %rsp
	subq	$(32 * 64 + 64), %rsp
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	vmovdqa64 %zmm\n, \n*64(%rsp)
.endr
.irp n, 0,1,2,3,4,5,6,7
	kmovq	%k\n, 2048+\n*8(%rsp)
.endr
.elseif \width == 1
	andq	$-32, %rsp
	subq	$512, %rsp
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqa	%ymm\n, \n*32(%rsp)
.endr
.else
	andq	$-16, %rsp
	subq	$256, %rsp
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movaps	%xmm\n, \n*16(%rsp)
.endr
.endif
.endm

.macro RESTORE_VECTORS width
.if \width == 2
.irp n, 0,1,2,3,4,5,6,7
	kmovq	2048+\n*8(%rsp), %k\n
.endr
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	vmovdqa64 \n*64(%rsp), %zmm\n
.endr
.elseif \width == 1
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqa	\n*32(%rsp), %ymm\n
.endr
.else
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	movaps	\n*16(%rsp), %xmm\n
.endr
.endif
	movq	%rbp, %rsp
	.cfi_def_cfa_register rsp
	POP	%rbp
	.cfi_restore rbp
.endm

/*
 * Back to the trampoline with %rax, the result, and every other register
 * as it was. popfq is slow; the arithmetic flags are put back with sahf
 * and an add that sets OF, unless a rare flag (DF, TF, AC) must come back.
 */
/*
 * jumped: 1 when the trampoline jumped here with its return address in
 * %rcx (pushed first): going back by a jump keeps the return stack of the
 * branch predictor balanced; a ret would miss after a system call, which
 * may leave that stack empty.
 */
.macro BACK jumped
.if \jumped
	popq	%rcx
	.cfi_adjust_cfa_offset -8
	jmp	*%rcx
.else
	ret
.endif
.endm

.macro RETURN_RESULT jumped
	movq	%rax, (%rsp)
	movq	8(%rsp), %rax
	testl	$FLAGS_SLOW, %eax
	.cfi_remember_state
	jnz	1f
	movl	%eax, %ecx
	shll	$8, %eax
	shrl	$11, %ecx
	andl	$1, %ecx
	addb	$0x7f, %cl
	sahf
	POP	%rax
	leaq	8(%rsp), %rsp
	.cfi_adjust_cfa_offset -8
	BACK \jumped
1:
	.cfi_restore_state
	POP	%rax
	popfq
	.cfi_adjust_cfa_offset -8
	BACK \jumped
.endm

.macro ENTRY name, width
	.globl	\name
	.hidden	\name
	.type	\name, @function
\name:
	.cfi_startproc simple
	.cfi_def_cfa rsp, 128
	RA_FROM_R11
	PUSH	%rcx /* where the trampoline continues */
	SAVE_GPRS
	SAVE_VECTORS \width
	cld
	leaq	8(%rbp), %rdi
	call	intercept_dispatch
	cmpq	$2, %rdx
	.cfi_remember_state
	je	4f
3:
	RESTORE_VECTORS \width
	POP	%rcx
	POP	%r11
	testq	%rdx, %rdx
	POP	%rdi
	POP	%rsi
	POP	%rdx
	POP	%r10
	POP	%r8
	POP	%r9
	jnz	2f
	RETURN_RESULT 1
2:
	/* Raw path: back to the state of the site, then to its raw stub. */
	.cfi_adjust_cfa_offset 24
	movq	%rax, %rcx
	POP	%rax
	popfq
	.cfi_adjust_cfa_offset -8
	leaq	136(%rsp), %rsp
	.cfi_adjust_cfa_offset -136
	jmp	*%rcx
4:
	/*
	 * A call the hook let through, made here, still inside this frame:
	 * only one return of ours follows it, and an unwinder started by a
	 * signal that interrupts it walks out through this frame's CFI.
	 */
	.cfi_restore_state
	movq	24(%rbp), %rdi
	movq	32(%rbp), %rsi
	movq	40(%rbp), %rdx
	movq	48(%rbp), %r10
	movq	56(%rbp), %r8
	movq	64(%rbp), %r9
	movq	72(%rbp), %rax
	syscall
	xorl	%edx, %edx
	jmp	3b
	.cfi_endproc
	.size	\name, .-\name
.endm

.macro CLONE_ENTRY name, width
	.globl	\name
	.hidden	\name
	.type	\name, @function
\name:
	.cfi_startproc simple
	.cfi_def_cfa rsp, 136
	RA_FROM_R11
	SAVE_GPRS
	SAVE_VECTORS \width
	cld
	leaq	8(%rbp), %rdi
	call	intercept_after_clone
	RESTORE_VECTORS \width
	POP	%rcx
	POP	%r11
	POP	%rdi
	POP	%rsi
	POP	%rdx
	POP	%r10
	POP	%r8
	POP	%r9
	movq	(%rsp), %rax
	RETURN_RESULT 0
	.cfi_endproc
	.size	\name, .-\name
.endm

	ENTRY intercept_entry_xmm, 0
	ENTRY intercept_entry_ymm, 1
	ENTRY intercept_entry_zmm, 2
	CLONE_ENTRY intercept_clone_entry_xmm, 0
	CLONE_ENTRY intercept_clone_entry_ymm, 1
	CLONE_ENTRY intercept_clone_entry_zmm, 2

/*
 * long syscall_no_intercept(long nr, ...): the arguments arrive in the C
 * convention and are moved to the kernel's. While the net is on, the calls
 * whose signal masks or SIGSYS action it keeps apart go to
 * intercept_net_no_intercept (net.c) first, with the same arguments.
 * intercept_syscall_raw is the call itself, for the library's own use.
 */
	.globl	syscall_no_intercept
	.type	syscall_no_intercept, @function
syscall_no_intercept:
	.cfi_startproc
	cmpl	$0, intercept_net_on(%rip)
	jne	intercept_net_no_intercept
	.globl	intercept_syscall_raw
	.hidden	intercept_syscall_raw
intercept_syscall_raw:
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

/*
 * The net's own system call instructions (net.c). They lie in this
 * library's text, the range Syscall User Dispatch always lets through.
 *
 * intercept_net_sigreturn: reached with %rax = 15 and %rsp at a signal
 * frame, in place of an rt_sigreturn made outside that range.
 */
	.globl	intercept_net_sigreturn
	.hidden	intercept_net_sigreturn
	.type	intercept_net_sigreturn, @function
intercept_net_sigreturn:
	syscall
	ud2
	.size	intercept_net_sigreturn, .-intercept_net_sigreturn

/*
 * The sa_restorer the net gives the handlers a program installs: the bytes
 * of glibc's __restore_rt (mov $15, %rax; syscall), which unwinders
 * recognise as the return from a signal handler. No CFI: they find no FDE
 * here and fall back to reading these bytes.
 */
	nop
	.globl	intercept_net_restorer
	.hidden	intercept_net_restorer
	.type	intercept_net_restorer, @function
intercept_net_restorer:
	.byte	0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00
	syscall
	ud2
	.size	intercept_net_restorer, .-intercept_net_restorer

/*
 * NET_GADGETS gadgets of 8 bytes, "syscall; jmp *intercept_net_return[i]":
 * a clone, clone3 or vfork the net caught is made again by one of them,
 * which both the caller and the new thread leave for the caught site's
 * continuation, with no frame of ours on either stack.
 */
#define NET_GADGETS 32
	.globl	intercept_net_gadgets
	.hidden	intercept_net_gadgets
	.type	intercept_net_gadgets, @function
	.balign	8
intercept_net_gadgets:
	.set	gadget, 0
	.rept	NET_GADGETS
	syscall
	jmp	*(intercept_net_return + 8 * gadget)(%rip)
	.set	gadget, gadget + 1
	.endr
	.size	intercept_net_gadgets, .-intercept_net_gadgets

	.bss
	.globl	intercept_net_return
	.hidden	intercept_net_return
	.type	intercept_net_return, @object
	.balign	8
intercept_net_return:
	.zero	8 * NET_GADGETS
	.size	intercept_net_return, .-intercept_net_return
	.text

	.section .note.GNU-stack,"",@progbits
