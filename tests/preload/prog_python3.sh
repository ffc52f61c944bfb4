#!/bin/sh
# python3 on a mount: open (text, binary, append, seek, "x" mode), os.walk,
# os.scandir, shutil.copytree (with copystat), os.replace, os.rename,
# shutil.move out of the mount, tempfile (mkstemp, mkdtemp,
# NamedTemporaryFile, TemporaryDirectory), os.stat, os.utime, os.chmod,
# os.truncate, pathlib and shutil.rmtree behave as on a kernel directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || prog_skip "python3 is not installed"
prog_init 128

cat >"$WORK/script.py" <<'EOF'
import errno, hashlib, os, pathlib, shutil, stat, sys, tempfile

root, out = sys.argv[1], sys.argv[2]
os.umask(0o022)

def show(*a):
    print(*(str(x).replace(root, "ROOT").replace(out, "OUT") for x in a))

def tree(top):
    res = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames.sort()
        rel = os.path.relpath(dirpath, top)
        for f in sorted(filenames):
            p = os.path.join(dirpath, f)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                res.append((rel, f, "link", os.readlink(p)))
            else:
                with open(p, "rb") as fh:
                    h = hashlib.sha1(fh.read()).hexdigest()[:12]
                res.append((rel, f, oct(st.st_mode), st.st_size, h))
        res.append((rel, "dirs", dirnames))
    return res

src = os.path.join(root, "src")
os.makedirs(os.path.join(src, "a", "b"), exist_ok=True)
os.makedirs(os.path.join(src, "a", "b"), exist_ok=True)
try:
    os.makedirs(os.path.join(src, "a"))
except FileExistsError as e:
    show("makedirs twice:", errno.errorcode[e.errno])

with open(os.path.join(src, "text.txt"), "w", encoding="utf-8") as f:
    for i in range(2000):
        f.write("line %d \u00e9\u00e8 %s\n" % (i, "x" * (i % 50)))
with open(os.path.join(src, "text.txt"), encoding="utf-8") as f:
    lines = f.readlines()
    show("lines", len(lines), lines[1999].strip())
    f.seek(0)
    show("first", f.readline().strip(), "tell", f.tell())

with open(os.path.join(src, "a", "bin"), "wb") as f:
    f.write(bytes(range(256)) * 1000)
    f.seek(100000)
    f.write(b"HOLE?")
    f.seek(300000)
    f.write(b"end")
with open(os.path.join(src, "a", "bin"), "r+b") as f:
    f.seek(-3, os.SEEK_END)
    show("tail", f.read(), "size", os.fstat(f.fileno()).st_size)
    f.seek(256000)
    show("hole", f.read(16))
    f.truncate(250000)
with open(os.path.join(src, "a", "b", "log"), "a") as f:
    f.write("one\n")
with open(os.path.join(src, "a", "b", "log"), "a") as f:
    f.write("two\n")
show("log", open(os.path.join(src, "a", "b", "log")).read().split())
try:
    open(os.path.join(src, "a", "b", "log"), "x")
except FileExistsError as e:
    show("x mode:", errno.errorcode[e.errno])
try:
    open(os.path.join(root, "missing", "f"))
except FileNotFoundError as e:
    show("missing:", errno.errorcode[e.errno])

os.symlink("text.txt", os.path.join(src, "link"))
os.chmod(os.path.join(src, "a", "bin"), 0o640)
os.utime(os.path.join(src, "text.txt"),
         ns=(1000000000123456789, 1200000000987654321))
st = os.stat(os.path.join(src, "text.txt"))
show("utime", st.st_atime_ns, st.st_mtime_ns, oct(st.st_mode), st.st_nlink)

for e in sorted(os.scandir(src), key=lambda e: e.name):
    show("scandir", e.name, e.is_dir(), e.is_file(), e.is_symlink(),
         e.stat(follow_symlinks=False).st_size if not e.is_dir() else "-")

dst = os.path.join(root, "copy")
shutil.copytree(src, dst, symlinks=True)
cst = os.stat(os.path.join(dst, "text.txt"))
show("copystat mtime", cst.st_mtime_ns,
     oct(os.stat(os.path.join(dst, "a", "bin")).st_mode))
show("walk equal", tree(src) == tree(dst))
for t in tree(dst):
    show("walk", *t)

shutil.copytree(src, os.path.join(out, "copy-out"), symlinks=True)
shutil.copytree(os.path.join(out, "copy-out"),
                os.path.join(root, "copy-back"), symlinks=True)
show("out and back equal", tree(src) == tree(os.path.join(root, "copy-back")))

with open(os.path.join(dst, "new"), "w") as f:
    f.write("replacement")
os.replace(os.path.join(dst, "new"), os.path.join(dst, "text.txt"))
show("replaced", open(os.path.join(dst, "text.txt")).read())
os.rename(os.path.join(dst, "a"), os.path.join(dst, "renamed"))
shutil.move(os.path.join(dst, "renamed", "bin"),
            os.path.join(out, "moved-out.bin"))
try:
    os.rename(os.path.join(dst, "renamed"), os.path.join(dst, "link"))
except OSError as e:
    show("rename dir over file:", errno.errorcode[e.errno])
os.truncate(os.path.join(dst, "text.txt"), 7)
show("truncated", pathlib.Path(dst, "text.txt").read_text())

fd, name = tempfile.mkstemp(dir=root, prefix="tmp-", suffix=".dat")
os.write(fd, b"temp data")
os.lseek(fd, 0, os.SEEK_SET)
show("mkstemp", os.read(fd, 100), oct(os.fstat(fd).st_mode))
os.close(fd)
os.unlink(name)
d = tempfile.mkdtemp(dir=root)
show("mkdtemp", oct(os.stat(d).st_mode), os.listdir(d))
with tempfile.NamedTemporaryFile(dir=d, mode="w+") as t:
    t.write("named")
    t.flush()
    t.seek(0)
    show("named", t.read(), os.path.exists(t.name))
show("named gone", os.listdir(d))
with tempfile.TemporaryDirectory(dir=root) as td:
    pathlib.Path(td, "f").write_bytes(b"1")
    pathlib.Path(td, "sub").mkdir()
    show("tempdir", sorted(os.listdir(td)))
show("tempdir gone", os.path.exists(td))
os.rmdir(d)

p = pathlib.Path(root, "pl")
p.mkdir()
(p / "x.py").write_text("print('hi')\n")
(p / "y.txt").write_text("y")
show("glob", sorted(q.name for q in p.glob("*.py")),
     sorted(q.name for q in p.rglob("*")))
show("exists", (p / "x.py").exists(), (p / "nope").exists(), p.is_dir())
shutil.rmtree(os.path.join(root, "copy-back"))
show("top", sorted(os.listdir(root)))
show("access", os.access(os.path.join(dst, "text.txt"), os.R_OK | os.W_OK),
     os.access(os.path.join(root, "nope"), os.F_OK))
EOF

workload()
{
	x "$PY" "$WORK/script.py" "$D" "$O"
}

prog_both python3 workload
