#!/bin/sh
# shim_nocaps: root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH is
# held to the mode bits of another user's files in the pool as by the
# kernel (the "nocaps" family of shim_paths.c, run under setpriv with those
# capabilities out of its bounding set).
. "$TEST_TOP/tests/preload/shim_lib.sh"
if [ "$(id -u)" != 0 ]; then
	echo "skip: needs root"
	exit 77
fi
command -v setpriv >/dev/null || {
	echo "skip: no setpriv"
	exit 77
}
mkdir -p "$WORK"
cat >"$WORK/nocaps" <<EOS
#!/bin/sh
exec setpriv --bounding-set=-dac_override,-dac_read_search \
	"$TEST_BUILD/tests/preload/shim_paths" "\$@"
EOS
chmod 755 "$WORK/nocaps"
OPS=$WORK/nocaps
shim_compare nocaps
