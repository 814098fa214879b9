"""Runs notebook cells in an IPython InteractiveShell (no Jupyter client),
then the nbchain introspection snippet, and reports on stdout as JSON:
{"stdout": <the snippet's stdout>, "nsUnchanged": bool, "failedCells": [...]}.

Input on stdin: {"cells": [source, ...], "snippet": source}. Each cell runs
with store_history=True (so execution counts are 1, 2, ...), the snippet
with store_history=False, silent=True, as nbchain sends it to ipykernel.
"""
import contextlib
import io
import json
import sys

from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

request = json.load(sys.stdin)
config = Config()
config.HistoryManager.hist_file = ":memory:"
shell = InteractiveShell.instance(config=config)

failed = []
sink = io.StringIO()
with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
    for number, source in enumerate(request["cells"], start=1):
        result = shell.run_cell(source, store_history=True)
        if not result.success:
            failed.append(number)

before = dict(shell.user_ns)
captured = io.StringIO()
with contextlib.redirect_stdout(captured):
    outcome = shell.run_cell(request["snippet"], store_history=False, silent=True)
after = dict(shell.user_ns)
unchanged = before.keys() == after.keys() and all(before[k] is after[k] for k in before)

json.dump({
    "stdout": captured.getvalue(),
    "nsUnchanged": unchanged,
    "snippetSucceeded": outcome.success,
    "failedCells": failed,
    "cellOutput": sink.getvalue(),
}, sys.stdout)
