// SPDX-License-Identifier: BSD-3-Clause
/*
 * area_blocker.c -- preloaded after a library that links the interceptor's
 * archive (its constructor then runs first), it maps a page where the
 * trampolines of libc's text image go: 1 GiB below libc's base
 * (TEXT_IMAGE_DISTANCE of intercept/text_image.c). The interceptor must
 * then patch libc from its plans, its trampolines elsewhere.
 */
#include <link.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static int block_libc(struct dl_phdr_info *info, size_t size, void *data)
{
	const char *name = info->dlpi_name ? info->dlpi_name : "";
	const char *slash = strrchr(name, '/');

	(void)size;
	(void)data;
	if (strncmp(slash ? slash + 1 : name, "libc.so.", 8) != 0)
		return 0;
	mmap((void *)(info->dlpi_addr - (1UL << 30)), 4096, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	return 1;
}

static void __attribute__((constructor)) block(void)
{
	dl_iterate_phdr(block_libc, NULL);
}
