# multi_devnum.py ROOT: a file's st_dev is the same whichever process
# serves the call: a fork child that did not exec, left by its parent
# (which held the pool), reaches the pool through a keeper process, whose
# answers gave st_dev 0 where the parent's gave the mount's number (cp:
# "skipping file ..., as it was replaced while being copied" when the
# holder changed between its stat and its fstat).
import os
import sys
import time

root = sys.argv[1]
path = os.path.join(root, "f")
with open(path, "w") as f:
    f.write("x" * 10000)
dev = os.stat(path).st_dev
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(w)
    os.read(r, 1)  # EOF: the parent has gone
    time.sleep(0.2)
    seen = [os.stat(path).st_dev, os.stat(root).st_dev]
    fd = os.open(path, os.O_RDONLY)
    seen.append(os.fstat(fd).st_dev)
    os.read(fd, 100)
    seen.append(os.fstat(fd).st_dev)  # under a lease
    os.close(fd)
    print("child: st_dev as the parent's:",
          ["same" if d == dev else "other (%d, not %d)" % (d, dev)
           for d in seen], flush=True)
    os._exit(0)
print("parent leaves", flush=True)
os._exit(0)
