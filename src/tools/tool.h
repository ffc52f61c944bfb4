/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tool.h -- what the pmemfile commands share: error reporting, option
 * parsing with --help, and the subcommand table.
 *
 * Exit statuses of every command: 0 success, 1 the operation failed,
 * 2 the command line was wrong (check: those of fsck(8)).
 */
#ifndef PMEMFILE_TOOL_H
#define PMEMFILE_TOOL_H 1

#include <stdbool.h>
#include <stddef.h>

#define TOOL_OK 0
#define TOOL_FAIL 1
#define TOOL_USAGE 2

/* The last lines of every command's help: the options all commands take. */
#define TOOL_HELP_OPTIONS                   \
	"  -h, --help     show this help\n" \
	"      --version  show the version\n"

struct tool_command {
	const char *name;
	const char *args;    /* what follows the name in a usage line */
	const char *summary; /* one line for `pmemfile help` */
	const char *help;    /* paragraphs for `pmemfile help NAME` */
	int (*run)(const struct tool_command *cmd, int argc, char *argv[]);
	int usage_status; /* of a usage error, if not TOOL_USAGE */
};

/* "pmemfile ls", "mkfs.pmemfile": the prefix of every message. */
extern const char *tool_name;

/* "pmemfile", "mkfs.pmemfile": the program --version names. */
extern const char *tool_program;

/* Prints "PROGRAM VERSION" on standard output. */
void tool_print_version(void);

void tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tool_usage_error(const struct tool_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void tool_print_help(const struct tool_command *cmd);

/*
 * getopt_long over argv with --help/-h and --version added to longopts (NULL
 * for none): prints the command's help or the version and exits 0 for
 * those, prints a usage error and
 * exits 2 for an unknown option. Returns the option character, or -1 at the
 * first operand.
 */
struct option;
int tool_getopt(const struct tool_command *cmd, int argc, char *argv[],
		const char *optstring, const struct option *longopts);

/* tool_getopt for a command with no options of its own (--help only). */
void tool_getopt_none(const struct tool_command *cmd, int argc, char *argv[]);

/*
 * Checks the number of operands left after the options: for "POOL PATH...",
 * at least two; for "POOL ...", at least one and at most max. Returns 0 when
 * they fit, else prints which are missing or that there are too many and
 * returns TOOL_USAGE.
 */
int tool_need_pool_and_paths(const struct tool_command *cmd, int operands);
int tool_need_pool(const struct tool_command *cmd, int operands, int max);

/*
 * From here on, a fault while reading the pool at path (the library follows
 * offsets stored in the pool, which damage can make wild) ends the command
 * with status 1 and a message that names the pool, instead of a crash.
 */
void tool_catch_faults(const char *path);

/* Writes all of buf to fd; 0 or -errno. */
int tool_write_all(int fd, const void *buf, size_t len);

#endif
