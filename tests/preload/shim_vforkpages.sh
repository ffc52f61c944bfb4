#!/bin/sh
# shim_vforkpages: a shell that starts commands with vfork (dash) keeps
# no memory of theirs: its execve in the child builds the environment of
# the command in pages of the parent's, which the parent unmaps when vfork
# returns. 400 commands from a directory of the mount, the shell holding
# the pool, leave the shell's anonymous memory as 400 commands from a
# kernel directory do (8 KiB more each, before).
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
# its anonymous memory after 20 commands, then the growth over 400 more
script='cd "$1" && echo x >f || exit 1
rss() { awk "/^RssAnon:/ { print \$2 }" /proc/$$/status; }
i=0
while [ $i -lt 20 ]; do i=$((i + 1)); /bin/true; done
a=$(rss)
while [ $i -lt 420 ]; do i=$((i + 1)); /bin/true; done
echo $(($(rss) - a))
rm f'
k=$(sh -c "$script" sh "$KDIR") || shim_fail "the shell failed in $KDIR"
m=$(pf sh -c "$script" sh "$MNT") || shim_fail "the shell failed in the mount"
case "$k$m" in
*[!0-9-]* | "") shim_fail "no figures: '$k' and '$m'" ;;
esac
echo "the shell's anonymous memory grew by $k KiB in a kernel directory," \
	"$m KiB in the mount"
[ "$m" -le $((k + 256)) ] ||
	shim_fail "400 commands grew the shell by $m KiB (kernel: $k KiB)"
echo "ok: the commands a shell starts leave none of its memory behind"
shim_check_mountpoint
