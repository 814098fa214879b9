"""XPUB: waits for a subscription, then publishes a fixed set of messages once.

Usage: xpub.py tcp|ENDPOINT
The first message echoes the subscription bytes it received: [b"sub", subscription].
"""

import time

import zmq

from _bind import bind

socket = zmq.Context.instance().socket(zmq.XPUB)
bind(socket)
subscription = socket.recv()
socket.send_multipart([b"sub", subscription])
socket.send_multipart([b"small", b"hello"])
socket.send_multipart([b"big", bytes(i % 251 for i in range(300))])
socket.send_multipart([b"huge", bytes(i % 253 for i in range(70_000)), b""])
socket.send_multipart([b"end"])
while True:
    time.sleep(60)
