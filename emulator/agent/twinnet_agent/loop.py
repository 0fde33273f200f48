"""The agent's event loop: a selector for sockets and a heap of timers, on the monotonic clock.

Callbacks run one at a time; one that raises is handed to `on_fault` (the agent reports it
and the emulator stops the run), never lost. Left out: threads, and fairness beyond
running every ready callback once per turn.
"""
import heapq
import selectors
import time

# The longest the loop sleeps in one select: epoll_wait(2) takes its timeout as an int of
# milliseconds and Python refuses more (OverflowError "timeout is too large", about 24.8
# days), which a probe's long timeout would reach. The loop wakes, finds nothing due, and
# sleeps again.
MAX_SELECT_S = 3600.0


def now_ns():
    return time.monotonic_ns()


class Loop:
    """A selector for sockets and a heap of timers."""

    def __init__(self, on_fault):
        self.sel = selectors.DefaultSelector()
        self.timers = []
        self.seq = 0
        self.on_fault = on_fault

    def after(self, delay_ns, fn):
        return self.at(now_ns() + max(0, int(delay_ns)), fn)

    def at(self, t_ns, fn):
        self.seq += 1
        entry = [t_ns, self.seq, fn]
        heapq.heappush(self.timers, entry)
        return entry

    @staticmethod
    def cancel(entry):
        if entry is not None:
            entry[2] = None

    def watch(self, sock, fn):
        self.sel.register(sock, selectors.EVENT_READ, fn)

    def watch_write(self, sock, fn):
        self.sel.register(sock, selectors.EVENT_WRITE, fn)

    def unwatch(self, sock):
        try:
            self.sel.unregister(sock)
        except (KeyError, ValueError):
            pass

    def want(self, sock, read, write, fn):
        """Watches `sock` for reading, writing, both (fn(sock) on either) or, with neither, not at all."""
        events = (selectors.EVENT_READ if read else 0) | (selectors.EVENT_WRITE if write else 0)
        try:
            key = self.sel.get_key(sock)
        except KeyError:
            key = None
        if events == 0:
            if key is not None:
                self.sel.unregister(sock)
        elif key is None:
            self.sel.register(sock, events, fn)
        elif key.events != events or key.data is not fn:
            self.sel.modify(sock, events, fn)

    @staticmethod
    def now():
        return now_ns()

    def run_once(self):
        while self.timers and self.timers[0][2] is None:
            heapq.heappop(self.timers)
        timeout = None
        if self.timers:
            timeout = min(MAX_SELECT_S, max(0.0, (self.timers[0][0] - now_ns()) / 1e9))
        for key, _ in self.sel.select(timeout):
            self.guarded(key.data, key.fileobj)
        t = now_ns()
        while self.timers and self.timers[0][0] <= t:
            _, _, fn = heapq.heappop(self.timers)
            if fn is not None:
                self.guarded(fn)

    def guarded(self, fn, *args):
        """Runs a callback; a failure goes to on_fault (which stops the run), not lost."""
        try:
            fn(*args)
        except SystemExit:
            raise
        except Exception as e:
            self.on_fault(e)
