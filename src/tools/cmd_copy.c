// SPDX-License-Identifier: BSD-3-Clause
/*
 * cmd_copy.c -- moving bytes between a pool and the kernel's files:
 * pmemfile cat, get and put.
 */
#include "commands.h"
#include "copy.h"
#include "pool.h"
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Large, because every pmemfile write is persistent when it returns. */
#define COPY_BUF (1 << 20)

/* Which side of a copy failed, so that the message names the right file. */
enum copy_side { COPY_OK, COPY_READ, COPY_WRITE };

struct copy_error {
	enum copy_side side;
	int err;
};

static void copy_fail(struct copy_error *e, enum copy_side side, int err)
{
	e->side = side;
	e->err = err;
}

static int copy_out(PMEMfilepool *pfp, PMEMfile *src, int fd,
		    struct copy_error *e)
{
	char *buf = malloc(COPY_BUF);
	ssize_t n;
	int err;

	if (!buf) {
		copy_fail(e, COPY_READ, ENOMEM);
		return -1;
	}
	while ((n = pmemfile_read(pfp, src, buf, COPY_BUF)) > 0) {
		err = tool_write_all(fd, buf, (size_t)n);
		if (err) {
			copy_fail(e, COPY_WRITE, -err);
			break;
		}
	}
	if (n < 0)
		copy_fail(e, COPY_READ, errno);
	free(buf);
	return e->side == COPY_OK ? 0 : -1;
}

static void copy_report(const struct copy_error *e, const char *from,
			const char *to)
{
	tool_error("%s: %s", e->side == COPY_READ ? from : to,
		   strerror(e->err));
}

static PMEMfile *copy_open_source(PMEMfilepool *pfp, const char *path)
{
	PMEMfile *f = pmemfile_open(pfp, path, PMEMFILE_O_RDONLY);

	if (!f)
		tool_error("%s: %s", path, strerror(errno));
	return f;
}

static int cat_main(const struct tool_command *cmd, int argc, char *argv[])
{
	PMEMfilepool *pfp;
	int ret = TOOL_OK;

	tool_getopt_none(cmd, argc, argv);
	argc -= optind;
	argv += optind;
	if (tool_need_pool_and_paths(cmd, argc) != 0)
		return TOOL_USAGE;
	pfp = pool_open(argv[0]);
	if (!pfp)
		return TOOL_FAIL;
	fflush(stdout);
	for (int i = 1; i < argc; i++) {
		struct copy_error e = {COPY_OK, 0};
		PMEMfile *f = copy_open_source(pfp, argv[i]);

		if (!f) {
			ret = TOOL_FAIL;
			continue;
		}
		if (copy_out(pfp, f, STDOUT_FILENO, &e) != 0) {
			copy_report(&e, argv[i], "standard output");
			ret = TOOL_FAIL;
		}
		pmemfile_close(pfp, f);
	}
	pmemfile_pool_close(pfp);
	return ret;
}

/* dir/NAME, NAME being the last component of src (as cp names a copy). */
static char *copy_into_dir(const char *dir, const char *src)
{
	char *copy = strdup(src), *dst;
	int ret;

	if (!copy)
		return NULL;
	ret = asprintf(&dst, "%s%s%s", dir,
		       dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/",
		       basename(copy));
	free(copy);
	return ret < 0 ? NULL : dst;
}

/* As cp: a destination that is a directory receives the file by its name. */
static char *put_destination(PMEMfilepool *pfp, const char *local,
			     const char *path)
{
	struct stat st;

	if (pmemfile_stat(pfp, path, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    strcmp(local, "-") == 0)
		return strdup(path);
	return copy_into_dir(path, local);
}

static char *get_destination(const char *path, const char *local)
{
	struct stat st;

	if (strcmp(local, "-") == 0 || stat(local, &st) != 0 ||
	    !S_ISDIR(st.st_mode))
		return strdup(local);
	return copy_into_dir(local, path);
}

static int get_to(PMEMfilepool *pfp, const char *path, const char *local)
{
	struct side pool = {pfp}, kernel = {NULL};
	struct copy_error e = {COPY_OK, 0};
	struct side_file in;
	struct copy c;
	struct stat st;
	int ret;

	if (pmemfile_stat(pfp, path, &st) != 0) {
		tool_error("%s: %s", path, strerror(errno));
		return TOOL_FAIL;
	}
	if (S_ISDIR(st.st_mode)) {
		tool_error("%s: %s", path, strerror(EISDIR));
		return TOOL_FAIL;
	}
	if (strcmp(local, "-") != 0) {
		copy_init(&c, &pool, &kernel);
		ret = copy_path(&c, path, local);
		copy_fini(&c);
		return ret ? TOOL_FAIL : TOOL_OK;
	}
	ret = side_open(&pool, path, O_RDONLY, 0, &in);
	if (ret) {
		tool_error("%s: %s", path, strerror(-ret));
		return TOOL_FAIL;
	}
	fflush(stdout);
	copy_out(pfp, in.f, STDOUT_FILENO, &e);
	side_close(&pool, &in);
	if (e.side != COPY_OK) {
		copy_report(&e, path, local);
		return TOOL_FAIL;
	}
	return TOOL_OK;
}

static int copy_operands(const struct tool_command *cmd, int argc, char *argv[])
{
	tool_getopt_none(cmd, argc, argv);
	if (argc - optind < 3)
		return tool_usage_error(cmd, "missing operands");
	if (argc - optind > 3)
		return tool_usage_error(cmd, "too many arguments");
	return 0;
}

static int get_main(const struct tool_command *cmd, int argc, char *argv[])
{
	PMEMfilepool *pfp;
	char *dst;
	int ret = copy_operands(cmd, argc, argv);

	if (ret)
		return ret;
	argv += optind;
	dst = get_destination(argv[1], argv[2]);
	if (!dst) {
		tool_error("%s", strerror(ENOMEM));
		return TOOL_FAIL;
	}
	pfp = pool_open(argv[0]);
	if (pfp) {
		ret = get_to(pfp, argv[1], dst);
		pmemfile_pool_close(pfp);
	} else {
		ret = TOOL_FAIL;
	}
	free(dst);
	return ret;
}

/*
 * A directory is refused before anything is made; the file is written
 * under a temporary name and renamed to dst when complete (copy.h).
 */
static int put_from(PMEMfilepool *pfp, const char *local, const char *dst)
{
	struct side pool = {pfp}, kernel = {NULL};
	bool from_stdin = strcmp(local, "-") == 0;
	struct side_file in = {STDIN_FILENO, NULL};
	mode_t mode = 0666;
	struct copy c;
	struct stat st;
	int ret = 0;

	if (!from_stdin)
		ret = side_open(&kernel, local, O_RDONLY, 0, &in);
	if (ret == 0 && fstat(in.fd, &st) != 0)
		ret = -errno;
	if (ret == 0 && S_ISDIR(st.st_mode))
		ret = -EISDIR;
	if (ret) {
		tool_error("%s: %s", local, strerror(-ret));
		if (!from_stdin)
			side_close(&kernel, &in);
		return TOOL_FAIL;
	}
	if (!from_stdin)
		mode = st.st_mode & 0777;
	copy_init(&c, &kernel, &pool);
	ret = copy_file_from(&c, &in, local, dst, mode);
	copy_fini(&c);
	if (!from_stdin)
		side_close(&kernel, &in);
	return ret ? TOOL_FAIL : TOOL_OK;
}

static int put_main(const struct tool_command *cmd, int argc, char *argv[])
{
	PMEMfilepool *pfp;
	char *dst;
	int ret = copy_operands(cmd, argc, argv);

	if (ret)
		return ret;
	argv += optind;
	pfp = pool_open(argv[0]);
	if (!pfp)
		return TOOL_FAIL;
	dst = put_destination(pfp, argv[1], argv[2]);
	if (!dst) {
		tool_error("%s", strerror(ENOMEM));
		ret = TOOL_FAIL;
	} else {
		ret = put_from(pfp, argv[1], dst);
	}
	free(dst);
	pmemfile_pool_close(pfp);
	return ret;
}

const struct tool_command cmd_cat = {
    .name = "cat",
    .args = "POOL PATH...",
    .summary = "Write files of the pool to standard output.",
    .help = TOOL_HELP_OPTIONS,
    .run = cat_main,
};

const struct tool_command cmd_get = {
    .name = "get",
    .args = "POOL PATH LOCALFILE",
    .summary = "Copy the file PATH of the pool to LOCALFILE.",
    .help = "LOCALFILE gets the permissions of PATH (less the umask); "
	    "an existing file\n"
	    "is replaced when the copy is complete, and a failed copy "
	    "leaves nothing. If\n"
	    "LOCALFILE is a directory, the file goes into it under its own "
	    "name. '-' means\n"
	    "standard output. For directories, see 'pmemfile cp'.\n"
	    "\n" TOOL_HELP_OPTIONS,
    .run = get_main,
};

const struct tool_command cmd_put = {
    .name = "put",
    .args = "POOL LOCALFILE PATH",
    .summary = "Copy LOCALFILE into the pool as PATH.",
    .help = "PATH gets the permissions of LOCALFILE (less the umask); an "
	    "existing file is\n"
	    "replaced when the copy is complete, and a failed copy (a full "
	    "pool) leaves\n"
	    "nothing. If PATH is a directory, the file goes into it under "
	    "its own name.\n"
	    "LOCALFILE '-' means standard input. For directories, see "
	    "'pmemfile cp'.\n"
	    "\n" TOOL_HELP_OPTIONS,
    .run = put_main,
};
