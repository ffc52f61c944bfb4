// SPDX-License-Identifier: BSD-3-Clause
/*
 * secure_create PATH -- creates PATH and writes "secure" in it; linked
 * with the shim (not preloaded), so that the shim is loaded in a
 * set-user-ID copy of it too (shim_secure).
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	if (write(fd, "secure\n", 7) != 7)
		return 1;
	return close(fd) ? 1 : 0;
}
