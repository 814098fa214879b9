/**
 * The Python introspection snippet: runs in ipykernel after a notebook, finds
 * the top-level assignments of the executed cells with `ast`, and prints the
 * latest values as one JSON line after a marker.
 * @module
 */

/** What the snippet needs from the nbchain side. */
export interface PythonIntrospectionArgs {
  cells: { index: number; source: string; count: number | null }[];
  maxValueBytes: number;
}

/**
 * The program. It runs through `exec` in a fresh namespace, so it leaves no
 * name behind in the user's; it reads the user's namespace from
 * `get_ipython().user_ns` (or the caller's globals outside IPython).
 */
const PROGRAM = String.raw`
import ast, json, sys, types, reprlib, functools, inspect, re

class TooBig(Exception):
    pass

SAFE = 2 ** 53
REPR_LIMIT = 2000

def type_name(v):
    t = type(v)
    mod = getattr(t, "__module__", "") or ""
    name = getattr(t, "__qualname__", None) or t.__name__
    return name if mod == "builtins" else mod + "." + name

_repr = reprlib.Repr()
_repr.maxlevel = 4
_repr.maxdict = 50
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxfrozenset = _repr.maxdeque = _repr.maxarray = 100
_repr.maxstring = _repr.maxother = _repr.maxlong = REPR_LIMIT

def short_repr(v):
    try:
        if type(v) is int:
            try:
                s = str(v)
            except ValueError:
                s = "<int of %d bits>" % v.bit_length()
        else:
            s = _repr.repr(v)
    except Exception as e:
        s = "<repr failed: %s: %s>" % (type(e).__name__, e)
    return s if len(s) <= REPR_LIMIT else s[:REPR_LIMIT] + "..."

def opaque(v, **extra):
    d = {"type": type_name(v), "repr": short_repr(v)}
    d.update(extra)
    return d

def shape_of(v):
    shape = getattr(v, "shape", None)
    if isinstance(shape, tuple) and all(type(n) is int for n in shape):
        return list(shape)
    return None

class Converter:
    def __init__(self, limit):
        self.left = limit
        self.np = sys.modules.get("numpy")
        self.pd = sys.modules.get("pandas")
        self.path = set()

    def charge(self, n):
        self.left -= n
        if self.left < 0:
            raise TooBig()

    def conv(self, v, depth=0):
        if v is None or v is True or v is False:
            self.charge(5)
            return v
        t = type(v)
        if t is int:
            if -SAFE < v < SAFE:
                self.charge(17)
                return v
            try:
                s = str(v)
            except ValueError:
                raise TooBig()
            self.charge(len(s) + 12)
            return {"$bigint": s}
        if t is float:
            self.charge(24)
            if v != v:
                return {"$float": "nan"}
            if v in (float("inf"), float("-inf")):
                return {"$float": "inf" if v > 0 else "-inf"}
            return v
        if t is str:
            self.charge(len(v) + 2)
            return v
        if depth > 100:
            return opaque(v)
        if t is list or t is tuple or t is dict:
            if id(v) in self.path:
                return {"type": type_name(v), "repr": "<recursive>"}
            self.path.add(id(v))
            try:
                self.charge(2)
                if t is dict:
                    if not all(type(k) is str for k in v):
                        return opaque(v)
                    out = {}
                    for k, x in v.items():
                        self.charge(len(k) + 4)
                        out[k] = self.conv(x, depth + 1)
                    if len(out) == 1 and next(iter(out)).startswith("$"):
                        return {"$object": out}
                    return out
                return [self.conv(x, depth + 1) for x in v]
            finally:
                self.path.discard(id(v))
        np, pd = self.np, self.pd
        if np is not None:
            if isinstance(v, np.generic):
                item = v.item()
                return opaque(v) if type(item) is type(v) else self.conv(item, depth + 1)
            if isinstance(v, np.ndarray):
                if v.size <= 10000:
                    return self.conv(v.tolist(), depth + 1)
                return opaque(v, shape=shape_of(v))
        if pd is not None:
            if isinstance(v, pd.DataFrame):
                if len(v) <= 1000:
                    rows = v.to_dict(orient="records")
                    return self.conv([{str(k): x for k, x in row.items()} for row in rows], depth + 1)
                return opaque(v, shape=shape_of(v))
            if isinstance(v, pd.Series):
                if len(v) <= 1000:
                    return self.conv(v.tolist(), depth + 1)
                return opaque(v, shape=shape_of(v))
        return opaque(v)

def value_of(v, limit):
    try:
        out = Converter(limit).conv(v)
        if len(json.dumps(out, ensure_ascii=True, allow_nan=False)) > limit:
            raise TooBig()
        return out
    except TooBig:
        shape = shape_of(v)
        return opaque(v) if shape is None else opaque(v, shape=shape)

def skipped(v):
    return isinstance(v, (types.ModuleType, type, functools.partial)) or inspect.isroutine(v)

def targets(node, out):
    if isinstance(node, ast.Name):
        out.append(node.id)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            targets(element, out)
    elif isinstance(node, ast.Starred):
        targets(node.value, out)

def assignments(stmt):
    names = []
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            targets(target, names)
    elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        names.append(stmt.target.id)
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
        names.append(stmt.target.id)
    return names

LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")

def segmenter(code):
    # ast.get_source_segment re-splits the source on every call; split once.
    lines = [m.group(0) for m in LINE.finditer(code)]
    def segment(node):
        try:
            first, last = node.lineno - 1, node.end_lineno - 1
            if first == last:
                return lines[first].encode()[node.col_offset:node.end_col_offset].decode()
            head = lines[first].encode()[node.col_offset:].decode()
            tail = lines[last].encode()[:node.end_col_offset].decode()
            return head + "".join(lines[first + 1:last]) + tail
        except Exception:
            return ""
    return segment

def parse_cell(source, shell):
    try:
        return source, ast.parse(source).body
    except SyntaxError:
        if shell is None:
            raise
    code = shell.transform_cell(source)  # magics and shell escapes become Python
    return code, ast.parse(code).body

def main(args, fallback_ns):
    try:
        shell = get_ipython()
        ns = shell.user_ns
    except NameError:
        shell, ns = None, fallback_ns
    out_hist = ns.get("Out")
    limit = args["maxValueBytes"]
    found = {}
    last_out = None
    for cell in args["cells"]:
        try:
            code, body = parse_cell(cell["source"], shell)
        except Exception:
            continue
        segment = segmenter(code)
        for stmt in body:
            names = assignments(stmt)
            if names:
                operation = segment(stmt)
                for name in names:
                    found[name] = (operation, cell["index"], False, None)
        count = cell["count"]
        if body and isinstance(body[-1], ast.Expr) and count is not None and isinstance(out_hist, dict) and count in out_hist:
            entry = (segment(body[-1]), cell["index"], True, out_hist[count])
            found["Out[%d]" % count] = entry
            last_out = entry
    if last_out is not None and "result" not in found:
        found["result"] = last_out
    result = []
    for name, (operation, index, held, value) in found.items():
        if not held and name not in ns:
            continue
        tname = "unknown"
        try:
            v = value if held else ns[name]
            if skipped(v):
                continue
            tname = type_name(v)
            result.append({"name": name, "operation": operation, "value": value_of(v, limit), "type": tname, "cell": index})
        except Exception as e:
            error = "<error: %s: %s>" % (type(e).__name__, e)
            result.append({"name": name, "operation": operation, "value": {"type": tname, "repr": error[:REPR_LIMIT]}, "type": tname, "cell": index})
    return {"v": 1, "vars": result}

try:
    _args = json.loads(_nbchain_args)
    _payload = main(_args, _nbchain_globals)
    _text = json.dumps(_payload, ensure_ascii=True, allow_nan=False)
except Exception as _e:
    _text = json.dumps({"v": 1, "error": "%s: %s" % (type(_e).__name__, _e)}, ensure_ascii=True)
print(_nbchain_marker + _text, flush=True)
`;

/**
 * A single Python expression statement that runs {@link PROGRAM} with the
 * arguments embedded as a JSON string literal.
 */
export function pythonIntrospectionCode(marker: string, args: PythonIntrospectionArgs): string {
  // A JSON string literal is a valid Python str literal (same escapes).
  const literal = (text: string) => JSON.stringify(text);
  const globals = [
    `"__name__": "__nbchain__"`,
    `"_nbchain_marker": ${literal(marker)}`,
    `"_nbchain_args": ${literal(JSON.stringify(args))}`,
    `"_nbchain_globals": globals()`,
  ];
  return `exec(${literal(PROGRAM)}, {${globals.join(", ")}})\n`;
}
