/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * syscall_table.h -- one handler for each system call the shim routes,
 * indexed by the system call number.
 */
#ifndef PRELOAD_SYSCALL_TABLE_H
#define PRELOAD_SYSCALL_TABLE_H

#include <stdbool.h>

typedef long (*syscall_handler)(const long a[6]);

struct syscall_entry {
	syscall_handler handler;
	const char *name;
	unsigned path_args; /* bit i: argument i is a path (for the log) */
	/*
	 * The call is ours only when argument 0 is a pool descriptor: the
	 * hook sends it to the kernel at once otherwise.
	 */
	bool fd0;
};

#define SYSCALL_TABLE_SIZE 512

extern const struct syscall_entry syscall_table[SYSCALL_TABLE_SIZE];

#endif
