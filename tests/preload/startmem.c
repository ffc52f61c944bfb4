/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * startmem: calls made before the process unmapped anything, whose paths
 * the shim reads in place from memory readable since start (the program's
 * segments, argv on the stack). argv[1] is a file of the mount or of a
 * kernel directory; a path running from the last bytes of the program's
 * last segment into the page after it, not mapped, gets EFAULT as in the
 * kernel, not a fault in the shim.
 *
 * Nothing before the calls allocates (printf would, and brk is a change
 * of the maps): the results are printed afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096UL

static uintptr_t prog_end;
static int prog_end_writable;

static int find_end(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size, (void)data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
		if (ph->p_type == PT_LOAD && end > prog_end) {
			prog_end = end;
			prog_end_writable = (ph->p_flags & PF_W) != 0;
		}
	}
	return 1; /* the program is the first object */
}

static const char *result(long ret, int err, char *buf, size_t n)
{
	if (ret < 0)
		snprintf(buf, n, "-1 %s", strerrorname_np(err));
	else
		snprintf(buf, n, "ok");
	return buf;
}

int main(int argc, char *argv[])
{
	struct stat st;
	unsigned char vec;
	long r[4];
	int e[4];

	if (argc != 2)
		return 2;
	dl_iterate_phdr(find_end, NULL);
	char *hole = (char *)((prog_end + PAGE - 1) & ~(PAGE - 1));
	/* 16 bytes past the program's last variable, and then a hole */
	if (!prog_end_writable || (uintptr_t)hole - prog_end < 16 ||
	    mincore(hole, PAGE, &vec) == 0 || errno != ENOMEM)
		return 77;
	char *runs_off = hole - 16; /* no NUL before the hole */
	memset(runs_off, 'a', 16);

	r[0] = stat(argv[1], &st);
	e[0] = errno;
	long fd = open(argv[1], O_RDONLY);
	r[1] = fd;
	e[1] = errno;
	r[2] = stat(runs_off, &st);
	e[2] = errno;
	r[3] = open(runs_off, O_RDONLY);
	e[3] = errno;

	static const char *const what[] = {
	    "stat of argv[1]", "open of argv[1]",
	    "stat of a path running into a hole after the program",
	    "open of that path"};
	char buf[64];
	for (int i = 0; i < 4; i++)
		printf("%s: %s\n", what[i],
		       result(r[i], e[i], buf, sizeof(buf)));
	if (fd >= 0) {
		char data[16] = {0};
		printf("read: %zd \"%s\"\n", read((int)fd, data, 15), data);
		close((int)fd);
	}
	return 0;
}
