// SPDX-License-Identifier: BSD-3-Clause
/*
 * cmd_run.c -- pmemfile run: executes a program with the preload shim, so
 * that it sees the pool mounted at a directory.
 *
 * The shim is looked for beside the tool (../lib from the executable, which
 * is right both in the build tree and in an installation with the default
 * layout) and then in the LIBDIR the tool was built for.
 */
#include "commands.h"
#include "pool.h"
#include "tool.h"
#include "pmemfile/info.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libdir.h"

#define RUN_SHIM "libpmemfile.so"

/*
 * The status of a failure of run itself, before the program starts (as
 * env(1) and chroot(1) have it): 126 and 127 are the program's, 1 and 2 may
 * be too.
 */
#define RUN_FAIL 125
#define RUN_DEFAULT_MOUNT "/mnt/pmemfile"

/* path: ../lib/libpmemfile.so from the directory of the executable. */
static int run_shim_beside_tool(char *path, size_t len)
{
	char exe[PATH_MAX], lib[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *bindir;
	int w;

	if (n < 0)
		return -1;
	exe[n] = '\0';
	bindir = dirname(exe);
	w = snprintf(path, len, "%s/../lib", bindir);
	/* The directory made canonical, the shim's own name kept. */
	if (w >= 0 && (size_t)w < len && realpath(path, lib))
		w = snprintf(path, len, "%s/%s", lib, RUN_SHIM);
	else
		w = snprintf(path, len, "%s/../lib/%s", bindir, RUN_SHIM);
	if (w < 0 || (size_t)w >= len)
		return -1;
	return access(path, R_OK);
}

static int run_find_shim(char *path, size_t len)
{
	char beside[PATH_MAX];

	if (run_shim_beside_tool(beside, sizeof(beside)) == 0) {
		snprintf(path, len, "%s", beside);
		return 0;
	}
	if (snprintf(path, len, "%s/%s", TOOL_LIBDIR, RUN_SHIM) > 0 &&
	    access(path, R_OK) == 0)
		return 0;
	tool_error("cannot find %s (looked in %s and %s/)", RUN_SHIM, beside,
		   TOOL_LIBDIR);
	return -1;
}

/* ':' and ';' separate the entries of PMEMFILE_POOLS. */
static int run_check_name(const char *what, const char *name)
{
	if (strpbrk(name, ":;")) {
		tool_error("%s '%s' contains ':' or ';', which "
			   "PMEMFILE_POOLS cannot express",
			   what, name);
		return -1;
	}
	return 0;
}

static int run_set_env(const char *shim, const char *mount, const char *pool,
		       const char *cd)
{
	const char *old = getenv("LD_PRELOAD");
	char *preload, *pools;
	int ret;

	if (old && old[0])
		ret = asprintf(&preload, "%s %s", shim, old);
	else
		ret = asprintf(&preload, "%s", shim);
	if (ret < 0)
		return -1;
	if (asprintf(&pools, "%s:%s", mount, pool) < 0)
		return -1;
	if (setenv("LD_PRELOAD", preload, 1) ||
	    setenv("PMEMFILE_POOLS", pools, 1))
		return -1;
	if (cd && setenv("PMEMFILE_CD", cd, 1))
		return -1;
	return 0;
}

/* The file execvp would run for name (searched in PATH), or NULL. */
static const char *run_which(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/'))
		return name;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		if (snprintf(buf, len, "%.*s/%s", (int)n, n ? path : ".",
			     name) < (int)len &&
		    access(buf, X_OK) == 0)
			return buf;
		path += n + (path[n] == ':');
	}
	return NULL;
}

/*
 * Whether file is an ELF program linked statically (no program
 * interpreter): the dynamic loader never loads the shim into it.
 */
static bool run_is_static(const char *file)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	bool interp = false, elf = false;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64 &&
	    eh.e_phentsize == sizeof(ph)) {
		elf = true;
		for (unsigned i = 0; i < eh.e_phnum && !interp; i++)
			interp = pread(fd, &ph, sizeof(ph),
				       (off_t)(eh.e_phoff + i * sizeof(ph))) ==
				     (ssize_t)sizeof(ph) &&
				 ph.p_type == PT_INTERP;
	}
	close(fd);
	return elf && !interp;
}

static int run_exec(char *argv[])
{
	char found[PATH_MAX];
	const char *file = run_which(argv[0], found, sizeof(found));
	int err;

	if (file && run_is_static(file)) {
		tool_error("%s: linked statically: the preload shim cannot be "
			   "loaded into it, so it would not see the pool",
			   argv[0]);
		return 126;
	}
	execvp(argv[0], argv);
	err = errno;
	tool_error("%s: %s", argv[0], strerror(err));
	return err == ENOENT ? 127 : 126;
}

/*
 * Why abs cannot be the starting directory (an errno), 0 if it can, -1 if
 * the pool cannot be opened (said). A directory under the mount point is
 * looked up in the pool.
 */
static int run_dir_error(const char *mount, const char *pool, const char *abs)
{
	size_t mlen = strlen(mount);
	PMEMfilepool *pfp;
	struct stat st;
	int err = 0;

	while (mlen > 1 && mount[mlen - 1] == '/')
		mlen--;
	if (strncmp(abs, mount, mlen) != 0 ||
	    (abs[mlen] != '/' && abs[mlen] != '\0')) {
		if (stat(abs, &st) != 0)
			return errno;
		return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	}
	pfp = pool_open(pool);
	if (!pfp)
		return -1;
	if (pmemfile_stat(pfp, abs[mlen] ? abs + mlen : "/", &st) != 0)
		err = errno;
	else if (!S_ISDIR(st.st_mode))
		err = ENOTDIR;
	pmemfile_pool_close(pfp);
	return err;
}

/*
 * -C DIR, made absolute from the current directory in abs (as env -C takes
 * it), and checked: 0, or -1 after a message.
 */
static int run_check_cd(const char *mount, const char *pool, const char *cd,
			char *abs, size_t len)
{
	char cwd[PATH_MAX];
	int w, err;

	if (cd[0] == '/')
		w = snprintf(abs, len, "%s", cd);
	else if (getcwd(cwd, sizeof(cwd)))
		w = snprintf(abs, len, "%s/%s", cwd, cd);
	else
		w = -1;
	if (w < 0 || (size_t)w >= len)
		err = w < 0 ? errno : ENAMETOOLONG;
	else
		err = run_dir_error(mount, pool, abs);
	if (err == 0)
		return 0;
	if (err > 0)
		tool_error("cannot change directory to '%s': %s", cd,
			   strerror(err));
	return -1;
}

struct run_options {
	const char *mount;
	const char *cd;
	bool verbose;
};

static int run_parse(const struct tool_command *cmd, int argc, char *argv[],
		     struct run_options *o)
{
	static const struct option longopts[] = {
	    {"mount", required_argument, NULL, 'm'},
	    {"cd", required_argument, NULL, 'C'},
	    {"verbose", no_argument, NULL, 'v'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	o->mount = RUN_DEFAULT_MOUNT;
	o->cd = NULL;
	o->verbose = false;
	while ((c = tool_getopt(cmd, argc, argv, "m:C:v", longopts)) != -1) {
		if (c == 'm')
			o->mount = optarg;
		else if (c == 'C')
			o->cd = optarg;
		else if (c == 'v')
			o->verbose = true;
	}
	if (o->mount[0] != '/')
		return tool_usage_error(cmd,
					"the mount point '%s' is not an "
					"absolute path",
					o->mount);
	return 0;
}

static int run_main(const struct tool_command *cmd, int argc, char *argv[])
{
	char shim[PATH_MAX], pool[PATH_MAX], cd[PATH_MAX];
	struct run_options o;
	int ret = run_parse(cmd, argc, argv, &o);

	if (ret)
		return ret;
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return tool_usage_error(cmd, "missing POOL");
	if (argc > 1 && strcmp(argv[1], "--") == 0) {
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if (argc < 2)
		return tool_usage_error(cmd, "missing the command to run");
	if (pool_probe(argv[0]) != 0)
		return RUN_FAIL;
	/* The program may change directory: give the shim absolute paths. */
	if (!realpath(argv[0], pool)) {
		tool_error("%s: %s", argv[0], strerror(errno));
		return RUN_FAIL;
	}
	if (run_check_name("mount point", o.mount) ||
	    run_check_name("pool path", pool) ||
	    run_find_shim(shim, sizeof(shim)))
		return RUN_FAIL;
	if (o.cd && run_check_cd(o.mount, pool, o.cd, cd, sizeof(cd)) != 0)
		return RUN_FAIL;
	if (run_set_env(shim, o.mount, pool, o.cd ? cd : NULL) != 0) {
		tool_error("cannot set the environment: %s", strerror(errno));
		return RUN_FAIL;
	}
	if (o.verbose || isatty(STDERR_FILENO)) {
		enum pmemfile_durability d = pmemfile_path_durability(pool);
		fprintf(stderr, "pmemfile run: %s at %s, durability %s (%s)\n",
			pool, o.mount, pmemfile_durability_name(d),
			pmemfile_durability_text(d));
	}
	fflush(stdout);
	return run_exec(argv + 1);
}

const struct tool_command cmd_run = {
    .name = "run",
    .args = "[-v] [-m MOUNT] [-C DIR] POOL [--] COMMAND [ARGS...]",
    .summary = "Run a program that sees POOL mounted at MOUNT.",
    .help = "COMMAND runs with the preload shim libpmemfile.so: its file "
	    "system calls\n"
	    "under MOUNT go to the pool, every other call to the kernel. "
	    "The mount point\n"
	    "need not exist. The exit status is the program's; 127 when it "
	    "cannot be\n"
	    "found, 126 when it cannot be run (a program linked "
	    "statically is refused:\n"
	    "the shim cannot enter it), 125 when run itself fails "
	    "(a missing pool\n"
	    "or DIR).\n"
	    "\n"
	    "  -m, --mount MOUNT  where the pool appears (default "
	    "/mnt/pmemfile)\n"
	    "  -C, --cd DIR       start COMMAND in the directory DIR (in "
	    "the mount or\n"
	    "                     not; relative to the current "
	    "directory)\n"
	    "  -v, --verbose      say first, on standard error, how durable "
	    "the pool is\n"
	    "                     (said whenever standard error is a "
	    "terminal)\n" TOOL_HELP_OPTIONS,
    .run = run_main,
};
