/* SPDX-License-Identifier: BSD-3-Clause */
/* create.h -- making a new pool: mkfs.pmemfile and `pmemfile create`. */
#ifndef PMEMFILE_TOOL_CREATE_H
#define PMEMFILE_TOOL_CREATE_H 1

#include <stdbool.h>

#define CREATE_ARGS "[-a|-s] POOL SIZE"
#define CREATE_HELP                                                           \
	"SIZE is a number of bytes with an optional K, M, G or T suffix\n"    \
	"(powers of 1024). A SIZE of 0 turns an existing empty file into a\n" \
	"pool of its size; otherwise POOL must not exist yet. A pool needs\n" \
	"at least 8M. The file is created with mode 0600, sparse: it takes\n" \
	"space as the pool is used.\n"                                        \
	"\n"                                                                  \
	"  -a, --allocate  allocate the whole file now, so that the pool\n"   \
	"                  never runs out of file system space\n"             \
	"  -s, --sparse    with SIZE 0, turn the zero blocks of the file\n"   \
	"                  into holes\n"                                      \
	"  -h, --help      show this help\n"

/* How create_pool leaves the file's blocks. */
enum create_space {
	CREATE_SPARSE,	 /* allocated as the pool uses them */
	CREATE_PUNCH,	 /* an existing file's zero blocks become holes */
	CREATE_ALLOCATE, /* all allocated now */
};

/* Creates a pmemfile pool; prints what it did or why not; exit status. */
int create_pool(const char *path, const char *size_text,
		enum create_space space);

/* The option parsing and operands of both commands. */
struct tool_command;
int create_main(const struct tool_command *cmd, int argc, char *argv[]);

#endif
