#!/bin/sh
# fio on a mount in its default process model: the parent process sets the
# job up, then forks the process that runs it (sync and psync engines,
# verify=crc32c), as prog_fio.sh does with threads.
FIO_THREAD=
. "$TEST_TOP/tests/preload/prog_fio.sh"
