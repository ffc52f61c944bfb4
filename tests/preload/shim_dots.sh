#!/bin/sh
# shim_dots: "." and ".." as the last component of rmdir, unlink, rename, mkdir, link and symlink are refused as the kernel refuses them
# (the "dots" family of shim_paths.c, compared with a kernel directory).
. "$TEST_TOP/tests/preload/shim_lib.sh"
OPS=$TEST_BUILD/tests/preload/shim_paths
shim_compare dots
