#!/bin/sh
# Several processes of one shell on a mount: a script run whole by dash and
# by bash, its working directory in the mount, with redirections (> >> <
# 2>&1, a descriptor kept open by exec), here-documents, pipelines with both
# ends on the mount, subshells, command substitution, a background reader
# of a file the shell writes, background jobs appending to one file
# (builtins, external programs and 4 KiB blocks of cat, each write of whole
# lines: no byte may be lost) and wait. The
# script is itself read from the mount. Its output and the files it leaves
# are those of the same script on a kernel directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v bash >/dev/null || prog_skip "bash is not installed"
prog_init 128

cat >"$WORK/script.sh" <<'SCRIPT'
cd "$1" || exit 1
echo one >a
echo two >>a
cat <a
ls missing >err 2>&1
echo "ls: $?"
cat err
cat >here <<EOT
a here-document in $(basename "$PWD")
	with a tab, and $((6 * 7))
EOT
cat here
seq 1 5000 >nums
cat nums | sort -rn | head -n 3 >top
cat top
sort -n <nums | tail -n 2
tr 0-9 a-j <nums | tee letters | wc -l
cmp nums letters >/dev/null 2>&1 || echo "letters differ"
mkdir sub
(cd sub && echo "in a subshell" >f && pwd && cat f)
pwd
x=$(cat a | wc -l)
echo "a has $x lines"
y=$(cd sub; cat f; echo "$(wc -c <f) bytes")
echo "$y"
exec 3>fd3
echo "through 3" >&3
(echo "subshell through 3" >&3)
sh -c 'echo "child through 3" >&3'
exec 3>&-
cat fd3
while read -r line; do echo "read: $line"; done <a
(sleep 1 <a) &
cat a
for i in 1 2 3 4; do
	(for j in $(seq 1 300); do echo "builtin job $i line $j"; done >>log) &
done
for i in 1 2 3; do
	(for j in $(seq 1 40); do /bin/echo "external job $i line $j" >>log; done) &
done
printf 'block %025d\n' $(seq 1 128) >block
(for k in $(seq 1 50); do cat block >>log; done) &
wait
wc -c <log
wc -l <log
grep -c builtin log
grep -c external log
sort log | md5sum
# the order of the jobs' lines is the scheduler's
sort -o log log
grep -n "line 300$" log | cut -d: -f2 | sort
printf '%s\n' 3 1 2 | sort >sorted 2>&1
{ echo grouped; cat sorted; } >group
cat group
if [ -s group ]; then echo "group is not empty"; fi
rm -f nums letters
ls
SCRIPT

workload()
{
	for sh in dash bash; do
		$R mkdir "$D/$sh"
		$R cp "$WORK/script.sh" "$D/script.sh"
		x "$sh" "$D/script.sh" "$D/$sh"
	done
}

prog_both shell workload
