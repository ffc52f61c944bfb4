// SPDX-License-Identifier: BSD-3-Clause
/*
 * create.c -- making a new pool. The library makes the pool file sparse;
 * --allocate allocates all of it, --sparse punches out every block of an
 * existing file (SIZE 0) that is still zero, which reads back the same.
 */
#include "create.h"
#include "pmemfile/info.h"
#include "size.h"
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libpmemfile-posix.h>
#include <libpmemobj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define CREATE_BLOCK 4096
#define CREATE_CHUNK (1 << 20)

static bool block_is_zero(const char *block)
{
	return block[0] == 0 && memcmp(block, block + 1, CREATE_BLOCK - 1) == 0;
}

static int punch(int fd, off_t start, off_t end)
{
	if (start == end)
		return 0;
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, start,
		      end - start) != 0)
		return -errno;
	return 0;
}

/* Turns every run of zero blocks of the file into a hole. */
static int create_dig_holes(int fd, off_t size)
{
	char *buf = malloc(CREATE_CHUNK);
	off_t hole = -1, off;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (off = 0; off < size && ret == 0; off += CREATE_CHUNK) {
		ssize_t n = pread(fd, buf, CREATE_CHUNK, off);

		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		for (ssize_t b = 0; b + CREATE_BLOCK <= n && ret == 0;
		     b += CREATE_BLOCK) {
			bool zero = block_is_zero(buf + b);

			if (zero && hole < 0)
				hole = off + b;
			if (!zero && hole >= 0) {
				ret = punch(fd, hole, off + b);
				hole = -1;
			}
		}
	}
	if (ret == 0 && hole >= 0)
		ret = punch(fd, hole, size - size % CREATE_BLOCK);
	free(buf);
	return ret;
}

static int create_make_sparse(const char *path, off_t size)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = create_dig_holes(fd, size);
	close(fd);
	return ret;
}

/* For SIZE 0 the pool takes the size of the existing file. */
static int create_size_of_file(const char *path, uint64_t *size)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		tool_error("%s: %s (size 0 needs an existing file)", path,
			   strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		tool_error("%s: not a regular file (size 0 needs one)", path);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	return 0;
}

static int create_check_size(const char *path, const char *size_text,
			     uint64_t *size, bool *existing)
{
	char have[16], need[16];

	if (size_parse(size_text, size) != 0) {
		tool_error("invalid size '%s' (expected bytes, or a number "
			   "with K, M, G or T)",
			   size_text);
		return -1;
	}
	*existing = *size == 0;
	if (*existing && create_size_of_file(path, size) != 0)
		return -1;
	if (*size < PMEMOBJ_MIN_POOL) {
		size_format(*size, have, sizeof(have));
		size_format(PMEMOBJ_MIN_POOL, need, sizeof(need));
		if (*existing)
			tool_error("the size of the file, %s, is too small: a "
				   "pool needs at least %s",
				   have, need);
		else
			tool_error("size %s is too small: a pool needs at "
				   "least %s",
				   size_text, need);
		return -1;
	}
	if (*size > (uint64_t)SIZE_MAX || *size > (uint64_t)INT64_MAX) {
		tool_error("size '%s' is too large", size_text);
		return -1;
	}
	return 0;
}

static void create_report_failure(const char *path, bool existing, int err)
{
	const char *why = pmemfile_errormsg();

	if (!existing && err == EEXIST)
		tool_error("%s: %s", path, strerror(err));
	else if (existing && err == EEXIST)
		tool_error("%s: the file is not empty (size 0 needs a file "
			   "of zeros)",
			   path);
	else if (err == ENOENT || err == EACCES || err == EPERM ||
		 err == ENOTDIR || err == EROFS || err == EISDIR)
		tool_error("cannot create %s: %s", path, strerror(err));
	else
		tool_error("cannot create %s: %s", path,
			   why && why[0] ? why : strerror(err));
}

/*
 * Every block of the pool file allocated: no ENOSPC from its file system
 * later, when a page of the mapping is first written. The pages are also
 * filled (tmpfs leaves fallocated pages to be zeroed at their first
 * fault), so that first writes into the pool cost what later ones do.
 */
static int create_allocate(const char *path, off_t size)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	void *map;
	int ret;

	if (fd < 0)
		return -errno;
	ret = -posix_fallocate(fd, 0, size);
	map = ret == 0 ? mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
			      MAP_SHARED, fd, 0)
		       : MAP_FAILED;
	if (map != MAP_FAILED) {
		/* an older kernel: pages are filled at their first write */
		(void)madvise(map, (size_t)size, MADV_POPULATE_WRITE);
		munmap(map, (size_t)size);
	}
	close(fd);
	return ret;
}

/*
 * The library makes the root directory 0777, owned by the creating process:
 * mkfs makes it what a new file system's root is (0755, the caller's), or
 * what the options ask. Capabilities in the pool are the pool file's
 * writer's to take, so another owner needs no privilege.
 */
static int create_set_root(PMEMfilepool *pfp, const struct create_root *root)
{
	if (pmemfile_setcap(pfp, PMEMFILE_CAP_CHOWN) != 0 ||
	    pmemfile_setcap(pfp, PMEMFILE_CAP_FOWNER) != 0)
		return -errno;
	if (pmemfile_lchown(pfp, "/", root->uid, root->gid) != 0 ||
	    pmemfile_chmod(pfp, "/", root->mode) != 0)
		return -errno;
	return 0;
}

/* What was made, and what of it files can take (as statfs says). */
static void create_report(const char *path, uint64_t size, bool sparse,
			  const struct statfs *sf)
{
	char human[16], used[16];
	struct stat st;
	uint64_t usable = (uint64_t)sf->f_bavail * (uint64_t)sf->f_bsize;

	size_format(size, human, sizeof(human));
	printf("created %s: pmemfile pool of %s (%llu bytes)", path, human,
	       (unsigned long long)size);
	if (sparse && stat(path, &st) == 0) {
		size_format((uint64_t)st.st_blocks * 512, used, sizeof(used));
		printf(", sparse, %s allocated", used);
	}
	size_format(usable, human, sizeof(human));
	printf("\nusable: %s (%llu bytes) for files, up to %llu inodes\n",
	       human, (unsigned long long)usable,
	       (unsigned long long)sf->f_ffree);
}

int create_pool(const char *path, const char *size_text,
		enum create_space space, const struct create_root *root,
		bool journal)
{
	PMEMfilepool *pfp;
	struct statfs sf;
	struct stat st;
	uint64_t size;
	bool existing;
	int ret;

	if (create_check_size(path, size_text, &size, &existing) != 0)
		return TOOL_FAIL;
	if (!existing && lstat(path, &st) == 0) {
		tool_error("%s: %s", path, strerror(EEXIST));
		return TOOL_FAIL;
	}
	pfp = pmemfile_pool_create(path, existing ? 0 : (size_t)size, 0600);
	if (!pfp) {
		create_report_failure(path, existing, errno);
		return TOOL_FAIL;
	}
	ret = create_set_root(pfp, root);
	if (pmemfile_statfs(pfp, &sf) != 0)
		memset(&sf, 0, sizeof(sf));
	pmemfile_pool_close(pfp);
	if (ret != 0) {
		tool_error("%s: the pool was created but its root directory "
			   "could not be set: %s",
			   path, strerror(-ret));
		return TOOL_FAIL;
	}
	if (space == CREATE_PUNCH && existing)
		ret = create_make_sparse(path, (off_t)size);
	else if (space == CREATE_ALLOCATE)
		ret = create_allocate(path, (off_t)size);
	if (ret != 0) {
		tool_error(
		    "%s: the pool was created but could not be %s: %s", path,
		    space == CREATE_ALLOCATE ? "allocated" : "made sparse",
		    strerror(-ret));
		return TOOL_FAIL;
	}
	if (journal && (ret = pmemfile_pool_set_durability(path, "journal"))) {
		const char *m = pmemfile_errormsg();
		tool_error("%s: the pool was created but not in journal "
			   "mode: %s",
			   path, m && *m ? m : strerror(-ret));
		return TOOL_FAIL;
	}
	create_report(path, size, space == CREATE_PUNCH, &sf);
	if (journal)
		printf("durability: journal\n");
	return TOOL_OK;
}

static int create_parse_id(const char *text, const char *end, unsigned *id)
{
	unsigned long v = 0;

	if (text == end)
		return -1;
	for (const char *p = text; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
		/* (uid_t)-1 means "no change" to chown */
		if (v >= 0xffffffffUL)
			return -1;
	}
	*id = (unsigned)v;
	return 0;
}

/* UID or UID:GID, numeric: a pool has no user database of its own. */
static int create_parse_owner(const char *text, struct create_root *root)
{
	const char *colon = strchr(text, ':');

	if (!colon)
		return create_parse_id(text, text + strlen(text), &root->uid);
	if (create_parse_id(text, colon, &root->uid) != 0)
		return -1;
	return create_parse_id(colon + 1, colon + strlen(colon), &root->gid);
}

static int create_parse_mode(const char *text, unsigned *mode)
{
	char *end;
	unsigned long v = strtoul(text, &end, 8);

	if (!text[0] || *end || v > 07777 || text[0] == '-' || text[0] == '+')
		return -1;
	*mode = (unsigned)v;
	return 0;
}

int create_main(const struct tool_command *cmd, int argc, char *argv[])
{
	static const struct option longopts[] = {
	    {"allocate", no_argument, NULL, 'a'},
	    {"sparse", no_argument, NULL, 's'},
	    {"mode", required_argument, NULL, 'm'},
	    {"owner", required_argument, NULL, 'o'},
	    {"journal", no_argument, NULL, 'j'},
	    {NULL, 0, NULL, 0},
	};
	enum create_space space = CREATE_SPARSE;
	struct create_root root = {0755, (unsigned)geteuid(),
				   (unsigned)getegid()};
	bool journal = false;
	int c;

	while ((c = tool_getopt(cmd, argc, argv, "asjm:o:", longopts)) != -1) {
		if (c == 'j')
			journal = true;
		if (c == 'm' && create_parse_mode(optarg, &root.mode) != 0)
			return tool_usage_error(cmd, "invalid mode '%s'",
						optarg);
		if (c == 'o' && create_parse_owner(optarg, &root) != 0)
			return tool_usage_error(cmd, "invalid owner '%s'",
						optarg);
		if (c == 'a' && space == CREATE_PUNCH)
			return tool_usage_error(cmd, "-a and -s exclude each "
						     "other");
		if (c == 's' && space == CREATE_ALLOCATE)
			return tool_usage_error(cmd, "-a and -s exclude each "
						     "other");
		if (c == 'a')
			space = CREATE_ALLOCATE;
		if (c == 's')
			space = CREATE_PUNCH;
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		return tool_usage_error(cmd, "missing %s",
					argc == 0 ? "POOL and SIZE" : "SIZE");
	if (argc > 2)
		return tool_usage_error(cmd, "too many arguments");
	return create_pool(argv[0], argv[1], space, &root, journal);
}
