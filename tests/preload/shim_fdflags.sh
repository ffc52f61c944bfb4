#!/bin/sh
# shim_fdflags: the "fdflags" family of shim_ops (F_GETFL, epoll_ctl) gives
# the same results on a mount as on a kernel directory (see shim_ops.c).
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_compare fdflags
