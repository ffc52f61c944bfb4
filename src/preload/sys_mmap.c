/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sys_mmap.c -- mmap of pool files, and the calls that end such maps. The
 * library does both (pmemfile_mmap and its family, pmemfile/mmap.c), and
 * tracks the maps it made; the shim hands it the calls on pool
 * descriptors and tells it of the ranges other calls unmap.
 *
 * A shared map shows the pool file's own pages of the file, mapped in
 * place and pinned while mapped: stores through it are the file's bytes,
 * as read and write see them, and msync makes them persistent as for any
 * file map. Pages past the end of the file raise SIGBUS, as the kernel's
 * map's would, until the file grows over them: after each routed call,
 * pages a file grew over (by this process or another) are mapped from the
 * pool file (map_refresh). A private map is a copy of the file's bytes in
 * anonymous memory.
 *
 * munmap, an mmap with MAP_FIXED and mremap's target end maps, partly or
 * wholly; a pin goes when the last page of its map is gone. mremap of a
 * shared map grows it (in place, or moved), moves it or shrinks it.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "libsyscall_intercept_hook_point.h"
#include "mount.h"
#include "preload.h"
#include "path.h"
#include "sys.h"
#include "../../pmemfile/mmap.h"

void map_refresh(void)
{
	pmemfile_maps_follow_all();
}

SYS_HANDLER(mmap)
{
	if (a[3] & MAP_FIXED)
		path_maps_changed();
	if (!(a[3] & MAP_ANONYMOUS) && fd_table_used) {
		struct fd_use u;
		int is_pool = fd_use_begin((int)a[4], &u);
		if (is_pool < 0)
			return is_pool;
		if (is_pool > 0) {
			long ret = pmemfile_map_call(
			    u.pfp, (uintptr_t)a[0], (size_t)a[1], (int)a[2],
			    (int)a[3], u.f->file, a[5]);
			fd_use_end(&u);
			return ret;
		}
	}
	/* io_uring's queues: sys_refused.c looks at the requests */
	bool ring = !(a[3] & MAP_ANONYMOUS) && uring_is_ring((int)a[4]);
	if (!ring && (!(a[3] & MAP_FIXED) || !pmemfile_maps_any()))
		return PRELOAD_PASS;
	long ret =
	    syscall_no_intercept(SYS_mmap, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (syscall_error_code(ret))
		return ret;
	if (ring)
		uring_mapped((int)a[4], a[5], (void *)ret);
	/* a fixed map replaces what was there */
	if (a[3] & MAP_FIXED)
		pmemfile_maps_unmapped((uintptr_t)ret, (size_t)a[1]);
	return ret;
}

/*
 * msync: the kernel's, after the cache lines of the maps of pools on
 * persistent memory are written back (the kernel does not do it for a
 * device DAX map, nor for a file treated as pmem).
 */
SYS_HANDLER(msync)
{
	if (pmemfile_maps_any() && !(a[2] & MS_ASYNC))
		pmemfile_maps_msync((uintptr_t)a[0], (size_t)a[1]);
	return PRELOAD_PASS;
}

SYS_HANDLER(munmap)
{
	path_maps_changed();
	if (!pmemfile_maps_any())
		return PRELOAD_PASS;
	return pmemfile_munmap_call((uintptr_t)a[0], (size_t)a[1]);
}

SYS_HANDLER(mremap)
{
	path_maps_changed();
	if (!pmemfile_maps_any())
		return PRELOAD_PASS;
	return pmemfile_mremap_call((uintptr_t)a[0], (size_t)a[1], (size_t)a[2],
				    (int)a[3], (uintptr_t)a[4]);
}

/* mprotect, brk, shmat, shmdt: the kernel's, after the paths' pages */
SYS_HANDLER(maps_change)
{
	(void)a;
	path_maps_changed();
	return PRELOAD_PASS;
}
