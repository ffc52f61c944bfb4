/*
 * prog_mkpool POOL SIZE_MIB -- creates a pmemfile pool for the acceptance
 * tests when the tools (mkfs.pmemfile) are not built.
 */
#include <stdio.h>
#include <stdlib.h>

#include "libpmemfile-posix.h"

int main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s POOL SIZE_MIB\n", argv[0]);
		return 2;
	}
	size_t size = strtoull(argv[2], NULL, 10) << 20;
	PMEMfilepool *pfp = pmemfile_mkfs(argv[1], size, 0600);
	if (!pfp) {
		fprintf(stderr, "pmemfile_mkfs %s: %s\n", argv[1],
			pmemfile_errormsg());
		return 1;
	}
	pmemfile_pool_close(pfp);
	return 0;
}
