/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * syscall_table.h -- one handler for each system call the shim routes,
 * found from the system call number.
 */
#ifndef PRELOAD_SYSCALL_TABLE_H
#define PRELOAD_SYSCALL_TABLE_H

#include <stdbool.h>
#include <stddef.h>

typedef long (*syscall_handler)(const long a[6]);

struct syscall_entry {
	syscall_handler handler;
	unsigned path_args; /* bit i: argument i is a path (for the log) */
	/*
	 * The call is ours only when argument 0 is a pool descriptor: the
	 * hook sends it to the kernel at once otherwise.
	 */
	bool fd0;
};

#define SYSCALL_TABLE_SIZE 512

extern const struct syscall_entry syscall_entries[];
/* by number: the place of the entry plus one, 0 for none */
extern const unsigned char syscall_routes[SYSCALL_TABLE_SIZE];

/* The entry of call nr, NULL when the shim does not route it. */
static inline const struct syscall_entry *syscall_entry_of(long nr)
{
	if ((unsigned long)nr >= SYSCALL_TABLE_SIZE || !syscall_routes[nr])
		return NULL;
	return &syscall_entries[syscall_routes[nr] - 1];
}

/* The name of the call of e, for the log. */
const char *syscall_entry_name(const struct syscall_entry *e);

#endif
