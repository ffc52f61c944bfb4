// SPDX-License-Identifier: BSD-3-Clause
/*
 * jit_files.c -- files of a directory read and written by code written at
 * run time into an executable mapping (raw system calls no patched site
 * makes), for shim_jit: under the shim, on a mount, only the interceptor's
 * safety net brings them to the pool. Prints what each call returned and
 * the bytes read, for comparison with a kernel directory.
 *
 * Usage: jit_files DIR (DIR/given.txt must exist).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* mov $nr, %eax; mov %rcx, %r10; syscall; ret -- f(a0, a1, a2, a3) */
typedef long (*jit_fn)(long, long, long, long);

static uint8_t *code_page;
static size_t code_used;

static jit_fn jit(long nr)
{
	uint8_t code[] = {0xb8, 0, 0, 0, 0, 0x49, 0x89, 0xca, 0x0f, 0x05, 0xc3};
	int32_t n = (int32_t)nr;
	uint8_t *at = code_page + code_used;

	memcpy(code + 1, &n, 4);
	memcpy(at, code, sizeof(code));
	code_used += 16;
	return (jit_fn)(uintptr_t)at;
}

int main(int argc, char **argv)
{
	static const char text[] = "written by run-time code\n";
	char path[4096], buf[4096];
	jit_fn j_openat, j_read, j_write, j_close, j_lseek;
	long fd, n;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: jit_files DIR\n");
		return 2;
	}
	code_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (code_page == MAP_FAILED)
		return 2;
	j_openat = jit(SYS_openat);
	j_read = jit(SYS_read);
	j_write = jit(SYS_write);
	j_close = jit(SYS_close);
	j_lseek = jit(SYS_lseek);
	if (mprotect(code_page, 4096, PROT_READ | PROT_EXEC) != 0)
		return 2;

	snprintf(path, sizeof(path), "%s/given.txt", argv[1]);
	fd = j_openat(AT_FDCWD, (long)path, O_RDONLY, 0);
	printf("openat given.txt: %s\n",
	       fd >= 0 ? "a descriptor" : strerror((int)-fd));
	if (fd >= 0) {
		n = j_read(fd, (long)buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		printf("read: %ld: %s", n, buf);
		printf("lseek end: %ld\n", j_lseek(fd, 0, SEEK_END, 0));
		printf("close: %ld\n", j_close(fd, 0, 0, 0));
	}

	snprintf(path, sizeof(path), "%s/missing.txt", argv[1]);
	fd = j_openat(AT_FDCWD, (long)path, O_RDONLY, 0);
	printf("openat missing.txt: %s\n",
	       fd >= 0 ? "a descriptor" : strerror((int)-fd));

	snprintf(path, sizeof(path), "%s/jit.txt", argv[1]);
	fd = j_openat(AT_FDCWD, (long)path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	printf("openat jit.txt for writing: %s\n",
	       fd >= 0 ? "a descriptor" : strerror((int)-fd));
	if (fd >= 0) {
		printf("write: %ld\n",
		       j_write(fd, (long)text, sizeof(text) - 1, 0));
		printf("close: %ld\n", j_close(fd, 0, 0, 0));
	}
	/* read back through the C library */
	f = fopen(path, "r");
	printf("fopen jit.txt: %s\n", f != NULL ? "ok" : strerror(errno));
	if (f != NULL) {
		n = (long)fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		printf("fread: %ld: %s", n, buf);
		fclose(f);
	}
	return 0;
}
