// SPDX-License-Identifier: BSD-3-Clause
/*
 * core_open_parent -- pmemfile_open_parent reports where a path leaves the
 * pool (".." at the root, an absolute symlink) with
 * PMEMFILE_OPEN_PARENT_STOP_AT_ROOT, and resolves inside it without; where
 * a component is missing, it gives the deepest directory found and the
 * path from the missing component on; the access mask's own value is
 * refused.
 */
#include <libpmemfile-posix.h>
#include <unistd.h>

#include "core.h"

static PMEMfilepool *p;

static PMEMfile *parent(const char *path, char *out, int flags)
{
	char buf[PMEMFILE_PATH_MAX];
	strcpy(buf, path);
	PMEMfile *f =
	    pmemfile_open_parent(p, PMEMFILE_AT_CWD, buf, sizeof(buf), flags);
	strcpy(out, f ? buf : "");
	return f;
}

static void dir_is(PMEMfile *f, const char *want)
{
	char path[PMEMFILE_PATH_MAX];
	CORE_TRUE(pmemfile_get_dir_path(p, f, path, sizeof(path)));
	if (strcmp(path, want) != 0)
		CORE_FAIL("directory %s, expected %s", path, want);
	pmemfile_close(p, f);
}

static void rest_is(const char *rest, const char *want)
{
	if (strcmp(rest, want) != 0)
		CORE_FAIL("rest \"%s\", expected \"%s\"", rest, want);
}

int main(void)
{
	const char *pool = core_pool_path("parent.pool");
	unlink(pool);
	p = pmemfile_pool_create(pool, 16 << 20, 0600);
	CORE_TRUE(p);
	CORE_EQ(pmemfile_mkdir(p, "/a", 0755), 0);
	CORE_EQ(pmemfile_mkdir(p, "/a/b", 0755), 0);
	CORE_EQ(pmemfile_symlink(p, "/etc/passwd", "/a/abs"), 0);
	CORE_EQ(pmemfile_symlink(p, "b", "/a/rel"), 0);
	const int stop = PMEMFILE_OPEN_PARENT_STOP_AT_ROOT;
	char rest[PMEMFILE_PATH_MAX];

	/* plain: the last component is left */
	dir_is(parent("/a/b/c", rest, 0), "/a/b");
	rest_is(rest, "c");
	dir_is(parent("a/b/", rest, 0), "/a");
	rest_is(rest, "b/");

	/* ".." of the root: inside the pool it is the root */
	dir_is(parent("/../../a/x", rest, 0), "/a");
	rest_is(rest, "x");
	/* with STOP_AT_ROOT: the root, and the path from that ".." */
	dir_is(parent("/a/../../etc/x", rest, stop), "/");
	rest_is(rest, "../etc/x");
	CORE_EQ(pmemfile_chdir(p, "/a"), 0);
	dir_is(parent("../..", rest, stop), "/");
	rest_is(rest, "..");
	CORE_EQ(pmemfile_chdir(p, "/"), 0);

	/* an absolute symlink in the middle: the rest starts with "/" */
	dir_is(parent("/a/abs/more", rest, stop), "/a");
	rest_is(rest, "/etc/passwd/more");
	/* without STOP_AT_ROOT it stays in the pool, where /etc is missing */
	dir_is(parent("/a/abs/more", rest, 0), "/");
	rest_is(rest, "etc/passwd/more");
	/* a relative symlink is followed inside the pool */
	dir_is(parent("/a/rel/z", rest, stop), "/a/b");
	rest_is(rest, "z");
	/* SYMLINK_FOLLOW: the last component too */
	dir_is(
	    parent("/a/abs", rest, stop | PMEMFILE_OPEN_PARENT_SYMLINK_FOLLOW),
	    "/a");
	rest_is(rest, "/etc/passwd");
	dir_is(parent("/a/abs", rest, stop), "/a");
	rest_is(rest, "abs");

	/* a missing component: the deepest directory and the rest */
	dir_is(parent("/nope/x", rest, stop), "/");
	rest_is(rest, "nope/x");
	dir_is(parent("/a/b/gone/deeper/name/", rest, 0), "/a/b");
	rest_is(rest, "gone/deeper/name/");
	dir_is(parent("/a/rel/gone/z", rest, stop), "/a/b");
	rest_is(rest, "gone/z");

	/* errors */
	CORE_EQ(pmemfile_mknodat(p, PMEMFILE_AT_CWD, "/a/file",
				 PMEMFILE_S_IFREG | 0644, 0),
		0);
	CORE_TRUE(!parent("/a/file/x/y", rest, 0));
	CORE_EQ(errno, ENOTDIR);
	CORE_TRUE(!parent("/a/b/c", rest, PMEMFILE_OPEN_PARENT_ACCESS_MASK));
	CORE_EQ(errno, EINVAL);
	CORE_TRUE(!parent("/a/b/c", rest, 1 << 5));
	CORE_EQ(errno, EINVAL);
	char small[4] = "/a/";
	CORE_TRUE(pmemfile_open_parent(p, PMEMFILE_AT_CWD, small, 2, 0) ==
		  NULL);
	CORE_EQ(errno, ENAMETOOLONG);

	pmemfile_pool_close(p);
	unlink(pool);
	printf("open_parent stops where paths leave the pool\n");
	return 0;
}
