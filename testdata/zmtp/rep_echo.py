"""REP echo: replies with the request's frames.

Usage: rep_echo.py tcp|ENDPOINT
"""

import zmq

from _bind import bind

socket = zmq.Context.instance().socket(zmq.REP)
bind(socket)
while True:
    socket.send_multipart(socket.recv_multipart())
