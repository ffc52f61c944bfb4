#!/bin/sh
# shim_poll: the "poll" family of shim_ops gives the same results on a mount
# as on a kernel directory (see shim_ops.c).
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_compare poll
