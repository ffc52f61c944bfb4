/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_ldso.h -- execve of the dynamic loader with a program stored in a
 * pool ("ld.so [OPTIONS] /mnt/pf/prog ARGS"). The loader opens the program
 * itself, in the new image, before any preload runs: its path argument is
 * replaced by that of a memfd copy the new image inherits.
 */
#ifndef PRELOAD_EXEC_LDSO_H
#define PRELOAD_EXEC_LDSO_H

#include <stddef.h>

struct exec_ldso {
	long memfd;  /* the program's copy, open across execve, or -1 */
	char **argv; /* the loader's new argv, or NULL: nothing to change */
	char *var;   /* PMEMFILE_LDSO_FD=N for the new image */
	char *prog;  /* the program's path (mount and pool path), or NULL */
	const char *libpath; /* the value of --library-path, or NULL */
	/* a program of the kernel the loader is to run (argv NULL) */
	const char *kprog;
	char *mem; /* pages holding argv and var */
	size_t mem_size;
};

/*
 * For an execve of the kernel file at dirfd/path (flags: execveat's):
 * when that file is the dynamic loader and the program it is to run names
 * a regular file in a mount that the caller can read, fills x; else (or
 * when there is no memory for it) x->argv is NULL, and the loader fails
 * to open the path as the kernel sees it. A program of the kernel is
 * named by x->kprog, for its libraries.
 */
void exec_ldso_prepare(int dirfd, const char *path, int flags,
		       char *const *argv, struct exec_ldso *x);

/* Frees what exec_ldso_prepare made (after a failed execve). */
void exec_ldso_done(struct exec_ldso *x);

/* In the new image, at start: closes the copy the loader ran. */
void exec_ldso_adopt(void);

#endif
