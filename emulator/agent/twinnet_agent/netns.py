"""Entering a network namespace: setns(2) through ctypes, as `ip netns exec` does.

A socket belongs to the namespace of the thread that creates it, and /proc/sys/net shows
that thread's namespace, so `with netns.enter(name):` around a socket() call or a
/proc/sys/net access is all the agent needs. Left out: other namespace types.
"""
import contextlib
import ctypes
import os

CLONE_NEWNET = 0x40000000
NETNS_RUN_DIR = '/run/netns'


class Namespaces:
    """The agent's way into named namespaces, and back to the one it started in."""

    def __init__(self):
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._home = os.open('/proc/self/ns/net', os.O_RDONLY)

    def _setns(self, fd):
        if self._libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))

    @contextlib.contextmanager
    def enter(self, name):
        """Inside the block, new sockets and /proc/sys/net belong to `name`."""
        fd = os.open(os.path.join(NETNS_RUN_DIR, name), os.O_RDONLY)
        try:
            self._setns(fd)
        finally:
            os.close(fd)
        try:
            yield
        finally:
            self._setns(self._home)
