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
	char *s = e->strs + *used;
	char *end = NULL;
	/* a short read first: most names are short */
	for (size_t len = room - 1 < 256 ? room - 1 : 256; end == NULL;
	     len = room - 1) {
		long n = rd(ctx, s, len, (uint64_t)strtab + off);
		if (n < 0)
			return (int)n;
		end = memchr(s, '\0', (size_t)n);
		if (end == NULL && ((size_t)n < len || len == room - 1))
			return -ENOEXEC;
	}
	int ret = (int)*used;
	*used += (size_t)(end - s) + 1;
	return ret;
}

int elf_info_read(elf_read_fn rd, void *ctx, struct elf_info *e,
		  bool headers_only)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = e->ph;
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
	    eh.e_phnum > ELF_INFO_PHDRS)
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
	if (dyn == NULL || (e->interp && headers_only))
		return 0;
	/* the dynamic section, read once: DT_STRTAB may follow the names */
	Elf64_Dyn *d = e->dyn;
	size_t dsize =
	    dyn->p_filesz < sizeof(e->dyn) ? dyn->p_filesz : sizeof(e->dyn);
	n = rd(ctx, d, dsize, dyn->p_offset);
	if (n < 0)
		return (int)n;
	long nd = n / (long)sizeof(d[0]), strtab = -1;
	for (long i = 0; i < nd && d[i].d_tag != DT_NULL; ++i)
		if (d[i].d_tag == DT_STRTAB)
			strtab = elf_offset(ph, eh.e_phnum, d[i].d_un.d_ptr);
	if (strtab < 0)
		return 0; /* no names to read */
	size_t used = 0;
	for (long i = 0; i < nd && d[i].d_tag != DT_NULL; ++i) {
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
		int str = elf_str(rd, ctx, strtab, d[i].d_un.d_val, e, &used);
		if (str < 0)
			return str;
		*slot = str;
	}
	return 0;
}
