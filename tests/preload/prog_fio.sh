#!/bin/sh
# fio on a mount with the sync and psync engines: random and sequential
# writes with verify=crc32c read back in the same job, then verified again
# by a fresh process (verify_only), with no error and the same amount of
# I/O as on a kernel directory; four jobs write parts of one file at once.
# The jobs run as threads of fio's process (--thread); prog_fio_fork.sh runs
# them in fio's default forked processes.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v fio >/dev/null || prog_skip "fio is not installed"
prog_init 128

# The figures of fio's JSON report that do not depend on timing.
summary()
{
	# fio may write warnings before the JSON.
	python3 -c '
import json, sys
text = open(sys.argv[1]).read()
for j in json.loads(text[text.index("{"):])["jobs"]:
    print(j["jobname"], "error", j["error"], "read", j["read"]["io_bytes"],
          "written", j["write"]["io_bytes"])' "$1"
}

# run NAME ARGS...: one fio job on $D/NAME, reported by its summary.
run()
{
	name=$1
	shift
	$R fio --name="$name" --filename="$D/$name" ${FIO_THREAD---thread} \
		--output-format=json \
		--output="$WORK/fio.json" "$@" >"$WORK/fio.log" 2>&1
	rc=$?
	[ $rc = 0 ] || cat "$WORK/fio.log" "$WORK/fio.json"
	summary "$WORK/fio.json"
	echo "[exit $rc] fio $name $*"
}

workload()
{
	run sync-rand --ioengine=sync --rw=randwrite --bs=4k --size=4m \
		--verify=crc32c --do_verify=1
	run psync-rand --ioengine=psync --rw=randwrite --bs=4k --size=4m \
		--verify=crc32c --do_verify=1
	run psync-seq --ioengine=psync --rw=write --bs=64k --size=8m \
		--verify=crc32c --do_verify=1
	run sync-mixed --ioengine=sync --rw=randrw --bs=4k --size=2m \
		--verify=crc32c --do_verify=1 --randseed=7
	run psync-rand --ioengine=psync --rw=randwrite --bs=4k --size=4m \
		--verify=crc32c --verify_only
	run shared4 --ioengine=psync --rw=randwrite --bs=4k --numjobs=4 \
		--size=2m --offset_increment=2m --verify=crc32c --do_verify=1 \
		--group_reporting
	run sync-rand --ioengine=sync --rw=randwrite --bs=4k --size=4m \
		--verify=crc32c --verify_only
	run psync-read --ioengine=psync --rw=randread --bs=4k --size=4m \
		--number_ios=2000
	x stat -c '%n %s' "$D/sync-rand" "$D/psync-rand" "$D/psync-seq" \
		"$D/psync-read" "$D/shared4"
	# Verify headers hold times: the contents differ from run to run.
	x rm "$D/sync-rand" "$D/psync-rand" "$D/psync-seq" "$D/sync-mixed" \
		"$D/psync-read" "$D/shared4"
}

prog_both fio workload
