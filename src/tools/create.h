/* SPDX-License-Identifier: BSD-3-Clause */
/* create.h -- making a new pool: mkfs.pmemfile and `pmemfile create`. */
#ifndef PMEMFILE_TOOL_CREATE_H
#define PMEMFILE_TOOL_CREATE_H 1

#include <stdbool.h>

#define CREATE_ARGS "[-a|-s] [-j] [-m MODE] [-o UID[:GID]] POOL SIZE"
#define CREATE_HELP                                                           \
	"SIZE is a number of bytes with an optional K, M, G or T suffix\n"    \
	"(powers of 1024). A SIZE of 0 turns an existing empty file into a\n" \
	"pool of its size; otherwise POOL must not exist yet. A pool needs\n" \
	"at least 8M. The file is created with mode 0600, sparse: it takes\n" \
	"space as the pool is used. The root directory of the new file\n"     \
	"system has mode 0755 and belongs to the caller: any process that\n"  \
	"may write POOL may act as root in it, so the permissions of POOL\n"  \
	"are what protects the files.\n"                                      \
	"\n"                                                                  \
	"  -a, --allocate  allocate the whole file now, so that the pool\n"   \
	"                  never runs out of file system space\n"             \
	"  -s, --sparse    with SIZE 0, turn the zero blocks of the file\n"   \
	"                  into holes\n"                                      \
	"  -j, --journal   run the pool in journal mode (a pool on a file\n"  \
	"                  of a disk; see pmemfile durability)\n"             \
	"  -m, --mode MODE the permissions of the root directory, in\n"       \
	"                  octal (default 0755)\n"                            \
	"  -o, --owner UID[:GID]\n"                                           \
	"                  the numeric owner (and group) of the root\n"       \
	"                  directory (default the caller's)\n"                \
	"  -h, --help      show this help\n"                                  \
	"      --version   show the version\n"

/* How create_pool leaves the file's blocks. */
enum create_space {
	CREATE_SPARSE,	 /* allocated as the pool uses them */
	CREATE_PUNCH,	 /* an existing file's zero blocks become holes */
	CREATE_ALLOCATE, /* all allocated now */
};

/* The root directory of a new pool. */
struct create_root {
	unsigned mode; /* permission bits, 07777 at most */
	unsigned uid, gid;
};

/* Creates a pmemfile pool; prints what it did or why not; exit status. */
int create_pool(const char *path, const char *size_text,
		enum create_space space, const struct create_root *root,
		bool journal);

/* The option parsing and operands of both commands. */
struct tool_command;
int create_main(const struct tool_command *cmd, int argc, char *argv[]);

#endif
