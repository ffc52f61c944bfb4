/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * clone_asm.S -- a clone system call site of our own, outside libc.
 *
 * long clone_raw(unsigned long flags, void *stack_top, int (*fn)(void))
 *
 * Makes clone(flags, stack_top, NULL, NULL, 0). The parent gets the result;
 * the child, on the new stack, calls fn() and ends with exit(fn's result).
 */
	.section .note.GNU-stack, "", @progbits

	.text
	.globl clone_raw
	.type clone_raw, @function
	.p2align 4
clone_raw:
	mov %rdx, %r9
	xor %edx, %edx
	xor %r10d, %r10d
	xor %r8d, %r8d
	mov $56, %eax
	syscall
	test %rax, %rax
	jz 1f
	ret
1:	xor %ebp, %ebp
	call *%r9
	mov %eax, %edi
	mov $60, %eax
	syscall
	hlt
	.size clone_raw, .-clone_raw
