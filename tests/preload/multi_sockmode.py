# multi_sockmode.py ROOT: who may connect to a Unix socket named in ROOT
# is decided by the name's mode as it is now: bound under a umask, then
# opened to all or closed by chmod, another user's connect (nobody's)
# succeeds or fails with EACCES as on the kernel.
import os
import socket
import subprocess
import sys

root = sys.argv[1]
os.chmod(root, 0o777)
# an interpreter nobody may run (sys.executable may be in root's home)
PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else \
    sys.executable
CONNECT = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
           PY, "-c", """
import errno, socket, sys
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    c.connect(sys.argv[1])
    print("connect ok")
except OSError as e:
    print("connect", errno.errorcode[e.errno])
"""]


def connect(path):
    return subprocess.run(CONNECT + [path], capture_output=True,
                          text=True, timeout=30).stdout.strip()


for mask, mode in ((0o022, 0o777), (0o077, 0o722), (0o000, 0o700),
                   (0o000, 0o755)):
    os.umask(mask)
    path = os.path.join(root, "s_%o_%o" % (mask, mode))
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(5)
    bound = os.stat(path).st_mode & 0o777
    before = connect(path)
    os.chmod(path, mode)
    print("umask %03o: %03o %s | chmod %03o: %s" %
          (mask, bound, before, mode, connect(path)), flush=True)
    s.close()
    os.unlink(path)
