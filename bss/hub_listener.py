"""A local TMF hub listener for the tests and the benchmarks (bench/e2e.py, bench/chaos.py); no Django needed.

Records every envelope POSTed to it in arrival order, with when it arrived, and answers 201. It can be stopped and
started again on the same port: a listener outage."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Listener:
    def __init__(self, before_answer=None):
        self.before_answer = before_answer  # called with each envelope once it is recorded, before the 201
        self.received = []  # envelopes, in arrival order
        self.heard_at = []  # perf_counter of each arrival
        self.heard_wall_at = []  # time.time() of each arrival: against the hub's delivered_at (bench/chaos.py)
        self.changed = threading.Condition()  # also guards both lists
        self.server = None
        self.port = 0

    def start(self):
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                envelope = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with listener.changed:
                    listener.received.append(envelope)
                    listener.heard_at.append(time.perf_counter())
                    listener.heard_wall_at.append(time.time())
                    listener.changed.notify_all()
                if listener.before_answer:
                    listener.before_answer(envelope)
                self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        """Down: calls to its URL are refused until start()."""
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/listener"

    def first(self, matches, deadline: float):
        """(envelope, perf_counter it arrived) of the first envelope that `matches`, waiting for it until
        `deadline` (a perf_counter); None if none came."""
        with self.changed:
            found = []

            def heard():
                found[:] = [(e, at) for e, at in zip(self.received, self.heard_at) if matches(e)][:1]
                return bool(found)

            self.changed.wait_for(heard, timeout=max(0.0, deadline - time.perf_counter()))
            return found[0] if found else None
