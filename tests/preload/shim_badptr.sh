#!/bin/sh
# shim_badptr: bad path pointers give the kernel's EFAULT (or ENAMETOOLONG), not a fault in the shim
# (the "badptr" family of shim_paths.c, compared with a kernel directory).
. "$TEST_TOP/tests/preload/shim_lib.sh"
OPS=$TEST_BUILD/tests/preload/shim_paths
shim_compare badptr
