"""Shared helper: bind a socket as asked on the command line and report the port."""

import sys


def bind(socket):
    """Bind to argv[1]: "tcp" picks a random 127.0.0.1 port, else a full endpoint.

    Prints the TCP port (0 for ipc) on one line, so the test knows the peer is bound.
    """
    where = sys.argv[1]
    if where == "tcp":
        port = socket.bind_to_random_port("tcp://127.0.0.1")
    else:
        socket.bind(where)
        port = int(where.rsplit(":", 1)[1]) if where.startswith("tcp://") else 0
    print(port, flush=True)
