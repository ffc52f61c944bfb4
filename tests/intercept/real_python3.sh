#!/bin/sh
# python3 (threads, subprocesses, files, hashing, a directory walk) gives
# the same output with and without interception.
. "$TEST_TOP/tests/intercept/lib.sh"
py=/usr/bin/python3
[ -x "$py" ] || skip "no $py"

setup() {
	cat >prog.py <<'PY'
import hashlib, json, os, subprocess, threading, sqlite3

os.makedirs("t/u", exist_ok=True)
for i in range(20):
    with open("t/u/f%d" % i, "w") as f:
        f.write("x" * i * 100)
print(sorted((d, sorted(f)) for d, _, f in os.walk("t")))
print(hashlib.sha256(open("t/u/f19", "rb").read()).hexdigest())
out = []
def work(n):
    out.append(sum(range(n)))
ts = [threading.Thread(target=work, args=(i * 1000,)) for i in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
print(sorted(out))
print(subprocess.run(["sh", "-c", "echo child; exit 4"],
                     capture_output=True, text=True))
db = sqlite3.connect("p.db")
db.execute("create table t(a)")
db.executemany("insert into t values(?)", [(i,) for i in range(100)])
print(db.execute("select sum(a) from t").fetchone())
print(json.dumps({"pid_is_int": isinstance(os.getpid(), int)}))
PY
}
run_compared 500 setup "$py prog.py"
