"""The peer side of `deno task bench`: jupyter_client's kernel start-to-ready
time and per-cell round trip, measured the way nbchain's side measures them.

Usage: python jupyter_client_bench.py KERNEL_NAME STARTS CELLS
Prints one JSON object.
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel


def main() -> None:
    name, starts, cells = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ready = []
    for _ in range(starts):
        t0 = time.perf_counter()
        km, kc = start_new_kernel(kernel_name=name, startup_timeout=60)
        ready.append(time.perf_counter() - t0)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    km, kc = start_new_kernel(kernel_name=name, startup_timeout=60)
    try:
        for _ in range(20):  # warm-up
            kc.execute_interactive("pass", timeout=30)
        t0 = time.perf_counter()
        for _ in range(cells):
            kc.execute_interactive("pass", timeout=30)
        per_cell = (time.perf_counter() - t0) / cells
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps({"ready": ready, "per_cell": per_cell}))


if __name__ == "__main__":
    main()
