#!/bin/sh
# Shell pipelines, subshells, redirections and builtins give the same
# output with and without interception.
. "$TEST_TOP/tests/intercept/lib.sh"

setup() {
	seq 1 5000 >numbers
}
run_compared 500 setup '
sort -rn numbers | head -5 | tr 0-9 a-j
awk "{ s += \$1 } END { print s }" numbers
for i in 1 2 3; do echo $i; done | wc -l
(echo out; echo err >&2) 2>&1 | cat
echo $((6 * 7)) >f; read x <f; echo "read $x"
sh -c "exit 3"; echo "status $?"
yes | head -n 100000 | md5sum
cat numbers | grep -c 7 | xargs printf "%s sevens\n"
{ echo a; sleep 0.01; echo b; } | cat
exec 3>g; echo fd3 >&3; exec 3>&-; cat g
false || echo "false failed"'
