/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * late_asm.S -- system call sites of an object that dlopen_late.c loads
 * after start-up.
 *
 * long late_syscall(long nr, long arg0, long arg1)
 *	makes system call nr through its own syscall instruction.
 *
 * A constructor (in .init_array) makes getppid(LATE_INIT_MAGIC) through a
 * second site and keeps the result in late_init_result: the hook of the
 * test answers that call, so the value shows whether the site was patched
 * before the object's first code ran; late_init_value() returns it.
 */
	.section .note.GNU-stack, "", @progbits

	.set SYS_getppid, 110
	.set LATE_INIT_MAGIC, 0x1a7e1

	.text
	.globl late_syscall
	.type late_syscall, @function
	.p2align 4
late_syscall:
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	syscall
	ret
	.size late_syscall, . - late_syscall

	.type late_init, @function
	.p2align 4
late_init:
	mov $SYS_getppid, %eax
	mov $LATE_INIT_MAGIC, %edi
	syscall
	mov %rax, init_result(%rip)
	ret
	.size late_init, . - late_init

	.globl late_init_value
	.type late_init_value, @function
	.p2align 4
late_init_value:
	mov init_result(%rip), %rax
	ret
	.size late_init_value, . - late_init_value

	.section .init_array, "aw"
	.p2align 3
	.quad late_init

	.data
	.p2align 3
init_result:
	.quad 0
