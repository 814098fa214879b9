"""ROUTER echo: replies [identity, identity, *frames], so the DEALER can check its identity.

Usage: router_echo.py tcp|ENDPOINT
"""

import zmq

from _bind import bind

socket = zmq.Context.instance().socket(zmq.ROUTER)
bind(socket)
while True:
    identity, *frames = socket.recv_multipart()
    socket.send_multipart([identity, identity, *frames])
