#!/bin/sh
# tar -z on a mount: tar hands the archive's descriptor (a file of the
# mount) to the gzip it runs, which writes or reads it in its own process:
# the archive made and extracted is the same as on a kernel directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init 128

S=$WORK/src
mkdir -p "$S"
cp -r "$TEST_TOP/include" "$TEST_TOP/utils" "$S/"
find "$S" -exec touch -h -d '2015-06-07 08:09:10.5' {} +

workload()
{
	x tar -C "$S" --sort=name -czf "$D/src.tgz" .
	x mkdir "$D/z"
	x tar -C "$D/z" -xzf "$D/src.tgz"
	x "$TREEDUMP" "$D/z" -m
	x sh -c "tar -C '$S' --sort=name -cf - . | gzip -n >'$O/pipe.tgz'"
	x cmp "$D/src.tgz" "$O/pipe.tgz"
}

prog_both tar_gzip workload
