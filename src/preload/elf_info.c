/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * elf_info.c -- the names of an ELF file's dynamic section (see
 * elf_info.h). Runs in vfork children: nothing is allocated, the caller
 * gives the memory.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "elf_info.h"

#define ELF_PHDRS_MAX 32
#define ELF_DYN_CHUNK 32

/* The file offset of the address v, by the PT_LOAD that maps it. */
static long elf_offset(const Elf64_Phdr *ph, int n, uint64_t v)
{
	for (int i = 0; i < n; ++i)
		if (ph[i].p_type == PT_LOAD && v >= ph[i].p_vaddr &&
		    v < ph[i].p_vaddr + ph[i].p_filesz)
			return (long)(v - ph[i].p_vaddr + ph[i].p_offset);
	return -1;
}

/* Copies the string at off of the string table into e: its offset. */
static int elf_str(elf_read_fn rd, void *ctx, long strtab, uint64_t off,
		   struct elf_info *e, size_t *used)
{
	size_t room = sizeof(e->strs) - *used;
	if (room < 2)
		return -ENOEXEC;
	long n = rd(ctx, e->strs + *used, room - 1, (uint64_t)strtab + off);
	if (n < 0)
		return (int)n;
	char *s = e->strs + *used;
	char *end = memchr(s, '\0', (size_t)n);
	if (end == NULL)
		return -ENOEXEC;
	int ret = (int)*used;
	*used += (size_t)(end - s) + 1;
	return ret;
}

int elf_info_read(elf_read_fn rd, void *ctx, struct elf_info *e)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[ELF_PHDRS_MAX];
	long n = rd(ctx, &eh, sizeof(eh), 0);

	e->soname = e->runpath = e->rpath = -1;
	e->nneeded = 0;
	e->interp = false;
	if (n < 0)
		return (int)n;
	if ((size_t)n < sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum > ELF_PHDRS_MAX)
		return -ENOEXEC;
	e->type = eh.e_type;
	size_t phsize = eh.e_phnum * sizeof(Elf64_Phdr);
	n = rd(ctx, ph, phsize, eh.e_phoff);
	if (n < 0)
		return (int)n;
	if ((size_t)n < phsize)
		return -ENOEXEC;
	const Elf64_Phdr *dyn = NULL;
	for (int i = 0; i < eh.e_phnum; ++i) {
		if (ph[i].p_type == PT_INTERP)
			e->interp = true;
		else if (ph[i].p_type == PT_DYNAMIC)
			dyn = &ph[i];
	}
	if (dyn == NULL)
		return 0;
	/* two passes: DT_STRTAB may come after the names */
	long strtab = -1;
	size_t used = 0;
	for (int pass = 0; pass < 2; ++pass) {
		Elf64_Dyn d[ELF_DYN_CHUNK];
		for (uint64_t off = 0; off < dyn->p_filesz; off += sizeof(d)) {
			n = rd(ctx, d, sizeof(d), dyn->p_offset + off);
			if (n < 0)
				return (int)n;
			for (long i = 0; i < n / (long)sizeof(d[0]); ++i) {
				if (d[i].d_tag == DT_NULL)
					goto next;
				if (pass == 0) {
					if (d[i].d_tag == DT_STRTAB)
						strtab =
						    elf_offset(ph, eh.e_phnum,
							       d[i].d_un.d_ptr);
					continue;
				}
				int *slot = NULL;
				if (d[i].d_tag == DT_SONAME)
					slot = &e->soname;
				else if (d[i].d_tag == DT_RUNPATH)
					slot = &e->runpath;
				else if (d[i].d_tag == DT_RPATH)
					slot = &e->rpath;
				else if (d[i].d_tag == DT_NEEDED) {
					if (e->nneeded == ELF_INFO_NEEDED)
						return -ENOEXEC;
					slot = &e->needed[e->nneeded++];
				}
				if (slot == NULL)
					continue;
				int s = elf_str(rd, ctx, strtab,
						d[i].d_un.d_val, e, &used);
				if (s < 0)
					return s;
				*slot = s;
			}
			if (n < (long)sizeof(d))
				break;
		}
	next:
		if (strtab < 0)
			return 0; /* no names to read */
	}
	return 0;
}
