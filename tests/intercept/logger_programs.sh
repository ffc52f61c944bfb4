#!/bin/sh
# Real programs under syscall_logger.so, which answers every call itself
# (made with syscall_no_intercept): their output is the same as without it,
# and the log holds their calls. This runs every call through the hook's
# answer path, blocking ones and those of several processes and threads.
. "$TEST_TOP/tests/intercept/lib.sh"
py=/usr/bin/python3

setup() {
	seq 1 3000 >numbers
	mkdir -p tree/sub
	echo a >tree/a
	echo b >tree/sub/b
	touch -h -d 2020-01-01 tree tree/a tree/sub tree/sub/b
}
script='
sort -rn numbers | head -3
yes | head -n 20000 | md5sum
tar --sort=name -cf t.tar tree && tar -tvf t.tar
ls -lR --time-style=+ tree | sed "s/ [0-9][0-9]* [a-z0-9]* *[a-z0-9]* / /"
'
if [ -x "$py" ]; then
	script="$script"'
'"$py"' -c "
import subprocess, threading
r = []
ts = [threading.Thread(target=lambda i=i: r.append(i * i)) for i in range(6)]
[t.start() for t in ts]
[t.join() for t in ts]
print(sorted(r))
print(subprocess.run([\"sh\", \"-c\", \"echo sub; exit 2\"],
                     capture_output=True).returncode)
"'
fi

for v in native logged; do
	mkdir "$v" && (cd "$v" && setup) || fail "setup of $v"
done
(cd native && sh -c "$script" >../native.out 2>&1; echo "status $?" >>../native.out)
(cd logged && SYSCALL_LOGGER_FILE=$PWD/../log LD_PRELOAD=$LOGGER \
	sh -c "$script" >../logged.out 2>&1; echo "status $?" >>../logged.out)
expect_same "output under the logger" native.out logged.out
n=$(wc -l <log)
[ "$n" -ge 1000 ] || fail "only $n lines logged"
pids=$(awk '{ print $1 }' log | sort -u | wc -l)
[ "$pids" -ge 10 ] || fail "calls of only $pids processes logged"
echo "$n calls of $pids processes logged, output unchanged"
exit 0
