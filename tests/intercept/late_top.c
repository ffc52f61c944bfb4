// SPDX-License-Identifier: BSD-3-Clause
/*
 * late_top.c -- a library that dlopen_late.c loads after start-up, with
 * liblate_asm.so as its dependency: the loader maps both for one dlopen.
 */
#include <sys/syscall.h>

#define CALL_MAGIC 0x5eed /* as in dlopen_late.c */

long late_syscall(long nr, long arg0, long arg1);
long late_top_call(long n);

/* getppid(CALL_MAGIC, n) through the syscall instruction of the dependency */
long late_top_call(long n)
{
	return late_syscall(SYS_getppid, CALL_MAGIC, n);
}
