/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * no_libc_asm.S -- a dynamically linked program that uses no C library:
 * it writes "no libc here\n" and exits with status 7, by raw system calls.
 */
	.section .note.GNU-stack, "", @progbits

	.text
	.globl _start
	.type _start, @function
_start:
	mov $1, %eax
	mov $1, %edi
	lea message(%rip), %rsi
	mov $message_len, %edx
	syscall
	mov $231, %eax
	mov $7, %edi
	syscall
	.size _start, .-_start

	.section .rodata
message:
	.ascii "no libc here\n"
	.set message_len, . - message
