#!/bin/sh
# shim_touchfork: a fork child uses the mount while its parent holds the
# pool: it shares the parent's open file description (offset), opens and
# makes files of its own, as on a kernel directory.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_compare touchfork
