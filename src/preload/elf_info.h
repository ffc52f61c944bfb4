/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * elf_info.h -- what the shim reads of an ELF file before an execve: its
 * type, whether it names a program interpreter, and the names of its
 * dynamic section (DT_SONAME, DT_NEEDED, DT_RUNPATH, DT_RPATH). Read
 * through the program headers, as the loader does, without the section
 * headers (a stripped file has the same answers).
 */
#ifndef PRELOAD_ELF_INFO_H
#define PRELOAD_ELF_INFO_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_INFO_STRS 4096
#define ELF_INFO_NEEDED 64
#define ELF_INFO_PHDRS 32
#define ELF_INFO_DYNS 128

struct elf_info {
	int type;    /* e_type: ET_EXEC, ET_DYN */
	bool interp; /* a PT_INTERP */
	/* offsets in strs, -1 when absent */
	int soname, runpath, rpath;
	int needed[ELF_INFO_NEEDED];
	int nneeded;
	char strs[ELF_INFO_STRS];
	/* room for reading (the caller's memory, not a small stack) */
	Elf64_Phdr ph[ELF_INFO_PHDRS];
	Elf64_Dyn dyn[ELF_INFO_DYNS];
};

/* pread of the file: bytes read, or -errno */
typedef long (*elf_read_fn)(void *ctx, void *buf, size_t len, uint64_t off);

/*
 * Fills e from the file rd reads: 0, or -ENOEXEC for a file that is not an
 * ELF file of this machine (or one whose dynamic names do not fit in e),
 * or the reader's -errno. headers_only: no names for a file with a
 * PT_INTERP (a program; the loader has none).
 */
int elf_info_read(elf_read_fn rd, void *ctx, struct elf_info *e,
		  bool headers_only);

/* A string of e by offset, NULL for -1. */
static inline const char *elf_info_str(const struct elf_info *e, int off)
{
	return off < 0 ? NULL : e->strs + off;
}

#endif
