/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dirty.h -- which pages of a range of this process's memory were written
 * since the last look, for making only those durable at a sync point.
 *
 * The kernel write-protects the range (userfaultfd in its asynchronous
 * write-protect mode: a write to a protected page is let through at the
 * cost of one minor fault, and the page is marked written), and
 * PAGEMAP_SCAN reports the written pages and protects them again in one
 * call (Linux 6.7). Writes by the kernel into the range (a read(2) into
 * it) count as well. Writes through other mappings of the same pages (by
 * another process) do not: each process tracks its own.
 */
#ifndef PMEMFILE_DIRTY_H
#define PMEMFILE_DIRTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dirty;

/*
 * Starts tracking [base, base + len) (page-aligned, mapped): every page
 * counts as written until the first dirty_collect. -ENOTSUP where the
 * kernel lacks the asynchronous write-protect mode or PAGEMAP_SCAN (before
 * 6.7), -EPERM where userfaultfd is not allowed, or another -errno.
 */
int dirty_start(void *base, size_t len, struct dirty **out);

/*
 * Calls fn for each run [start, end) of pages written since the last
 * collect (or the start), in address order, and protects them again; a
 * page written while this runs is reported now or next time. Returns the
 * number of pages reported, or -errno (fn's own nonzero result stops the
 * walk and is returned).
 */
typedef int (*dirty_fn)(void *arg, uintptr_t start, uintptr_t end);
long dirty_collect(struct dirty *d, dirty_fn fn, void *arg);

/*
 * Counts the pages of [addr, addr + len) (within the range; widened to
 * whole pages) as written now, ahead of a big write: their protection is
 * removed and they are made writable in one call, so that the stores that
 * follow take no fault each (a 1 MiB copy into protected pages: 256). The
 * next dirty_collect reports them, written or not, and protects them
 * again. 0 or -errno (-EINVAL outside the range; -ENOMEM where memory
 * runs out, some pages done): the stores then fault as before, and are
 * reported all the same.
 */
int dirty_unprotect(struct dirty *d, const void *addr, size_t len);

/*
 * Whether a page of the range was written since the last collect: 1 if
 * so, 0 if not, -errno. Protects nothing again: the next collect reports
 * the same pages. dirty_written_in: of [addr, addr + len) only (widened
 * to whole pages; -EINVAL outside the range).
 */
int dirty_written(struct dirty *d);
int dirty_written_in(struct dirty *d, const void *addr, size_t len);

/* Stops tracking: the range is writable as before, with no faults. */
void dirty_stop(struct dirty *d);

/*
 * d's descriptors closed and d freed, the range left registered: in a
 * copy of the process that started d (a clone), whose registration and
 * page tables are the other process's.
 */
void dirty_forget(struct dirty *d);

/*
 * The descriptors d keeps open (its userfaultfd, /proc/self/pagemap): up
 * to n into fds; returns how many there are.
 */
int dirty_own_fds(const struct dirty *d, int *fds, int n);

/*
 * Calls fn for each run [start, end) of pages of [base, base + len) that
 * this process has in its page tables (present, or swapped out), with no
 * tracking needed: a page it wrote through that mapping is among them
 * while the kernel keeps its entry. The number of pages, or -errno
 * (-ENOTSUP before Linux 6.7), or fn's nonzero result.
 */
long dirty_present(void *base, size_t len, dirty_fn fn, void *arg);

/*
 * Whether dirty_start works in this process (the kernel, its settings):
 * tried once on a page of shared memory, the answer kept.
 */
bool dirty_supported(void);

#endif
