/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * exec_known.h -- what an execve found out about a program of the kernel
 * that needs no second look while the file stays the same (same device,
 * inode, size, modification and change times): that it names no directory
 * for its libraries (DT_RUNPATH, DT_RPATH), that it is no copy of the
 * dynamic loader. Reading that from the file costs each execve an area of
 * pages to read it into, its faults and its unmapping; a shell runs the
 * same few programs over and over.
 */
#ifndef PRELOAD_EXEC_KNOWN_H
#define PRELOAD_EXEC_KNOWN_H

#include <stdbool.h>
#include <sys/stat.h>

enum exec_known_fact {
	/* no DT_RUNPATH nor DT_RPATH, or no library needed, or no ELF file */
	EXEC_KNOWN_NO_LIB_DIRS = 1,
	/* not an ELF file of type ET_DYN without PT_INTERP named as the
	 * loader is (exec_ldso.c) */
	EXEC_KNOWN_NOT_LOADER = 2,
};

/* Whether fact was noted for the file st describes. */
bool exec_known(const struct stat *st, enum exec_known_fact fact);

/* Notes fact for the file st describes (when the table is free). */
void exec_known_note(const struct stat *st, enum exec_known_fact fact);

#endif
