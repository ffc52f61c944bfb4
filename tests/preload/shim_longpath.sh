#!/bin/sh
# shim_longpath: relative paths of up to PATH_MAX - 1 bytes work from a cwd in the mount
# (the "longpath" family of shim_paths.c, compared with a kernel directory).
. "$TEST_TOP/tests/preload/shim_lib.sh"
OPS=$TEST_BUILD/tests/preload/shim_paths
shim_compare longpath
