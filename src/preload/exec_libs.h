/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_libs.h -- a program's start-up libraries stored in a pool. The
 * loader maps a program's DT_NEEDED libraries before any preloaded code
 * runs, so it cannot find those in a mount itself. Before the execve, the
 * shim looks for them as the loader will (LD_LIBRARY_PATH, DT_RPATH,
 * DT_RUNPATH with $ORIGIN), makes a memfd copy of each one found in a
 * mount and adds /proc/self/fd/N to LD_PRELOAD after the preloads already
 * named: the loader then takes the copy for the DT_NEEDED entry its
 * DT_SONAME matches. The new image's shim closes the copies and takes
 * them out of LD_PRELOAD again (PMEMFILE_LIBS_FD).
 */
#ifndef PRELOAD_EXEC_LIBS_H
#define PRELOAD_EXEC_LIBS_H

#include <stdbool.h>
#include <stddef.h>

#define EXEC_LIBS_MAX 32

struct exec_libs {
	int n;
	long fds[EXEC_LIBS_MAX];
	char *tail; /* ":/proc/self/fd/N..." to add to LD_PRELOAD */
	char *var;  /* PMEMFILE_LIBS_FD=N,M,... */
	void *mem;  /* pages holding all of it */
	size_t mem_size;
};

/*
 * For the program readable at fd (its path: prefix, then path, which
 * gives $ORIGIN when absolute; path NULL: unknown; kernel_file: fd is the
 * kernel's file itself, not a copy of one in a pool), started with envp
 * and, when run by the loader with --library-path, libpath in place of
 * LD_LIBRARY_PATH: fills x with the copies of its libraries found in
 * mounts (x->n 0: none).
 */
void exec_libs_prepare(long fd, bool kernel_file, const char *prefix,
		       const char *path, char *const *envp, const char *libpath,
		       struct exec_libs *x);

/*
 * exec_libs_prepare for the kernel's program at path (from dirfd). A
 * program already seen to name no directory for its libraries, started
 * without LD_LIBRARY_PATH, costs a stat: it is not opened.
 */
void exec_libs_prepare_at(int dirfd, const char *path, char *const *envp,
			  const char *libpath, struct exec_libs *x);

/* Closes the copies and frees x (after a failed execve). */
void exec_libs_done(struct exec_libs *x);

#endif
