/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * syscall_table.c -- the routed system calls (syscall_routes.inc): one
 * handler each, found from the call's number. A call with no entry goes to
 * the kernel without anything else being looked at. poll and select need
 * no entry: the placeholder of a pool descriptor is always ready, as a
 * regular file is.
 *
 * The entries are packed, and the numbers lead to them through a table of
 * bytes: the loader writes the address of each handler into the entries
 * at every start, and a table indexed by number spread those writes (and
 * the copies of the pages they land in) over 12 KiB; packed, they fill
 * 2.5 KiB. The names are arrays of characters, which it need not touch.
 */
#include <sys/syscall.h>

#include "syscall_table.h"
#include "sys.h"

#define P(i) (1u << (i))

/* The entries' places, in the order of the list. */
enum syscall_route {
#define E(nr, fn, paths) ROUTE_##nr,
#define F(nr, fn) ROUTE_##nr,
#include "syscall_routes.inc"
#undef E
#undef F
	ROUTES
};

_Static_assert(ROUTES < 256, "a route is a byte, 0 for none");

const struct syscall_entry syscall_entries[ROUTES] = {
#define E(nr, fn, paths) [ROUTE_##nr] = {sys_##fn, paths, false},
#define F(nr, fn) [ROUTE_##nr] = {sys_##fn, 0, true},
#include "syscall_routes.inc"
#undef E
#undef F
};

const unsigned char syscall_routes[SYSCALL_TABLE_SIZE] = {
#define E(nr, fn, paths) [SYS_##nr] = ROUTE_##nr + 1,
#define F(nr, fn) [SYS_##nr] = ROUTE_##nr + 1,
#include "syscall_routes.inc"
#undef E
#undef F
};

static const char route_names[ROUTES][32] = {
#define E(nr, fn, paths) [ROUTE_##nr] = #nr,
#define F(nr, fn) [ROUTE_##nr] = #nr,
#include "syscall_routes.inc"
#undef E
#undef F
};

const char *syscall_entry_name(const struct syscall_entry *e)
{
	return route_names[e - syscall_entries];
}
