/**
 * The TypeScript/JavaScript introspection snippet for Deno's kernel. The cell
 * sources are scanned here (see `_assignments_ts.ts`); the snippet reads each
 * name through its own closure inside try/catch (undeclared names and names
 * still in their temporal dead zone are skipped) and prints one JSON line.
 * @module
 */
import { topLevelAssignments } from "./_assignments_ts.ts";

/** A cell as the snippet generator needs it. */
export interface TypescriptCell {
  index: number;
  source: string;
}

/** One name to read, with the statement that last assigned it. */
export interface TypescriptSpec {
  name: string;
  operation: string;
  cell: number;
}

/**
 * The runtime: plain JavaScript (also valid TypeScript), called with the
 * getters, the specs, the per-value byte limit and the marker. It declares
 * nothing outside itself.
 */
const RUNTIME = String.raw`(getters, specs, limit, marker) => {
  try {
    class TooBig extends Error {}
    const REPR_LIMIT = 2000;
    const inspect = (v) => {
      let s;
      try {
        s = typeof Deno !== "undefined" && typeof Deno.inspect === "function"
          ? Deno.inspect(v, {
            depth: 4,
            iterableLimit: 100,
            strAbbreviateSize: REPR_LIMIT,
            breakLength: Infinity,
            compact: true,
            colors: false,
          })
          : String(v);
      } catch (e) {
        s = "<repr failed: " + String(e) + ">";
      }
      return s.length <= REPR_LIMIT ? s : s.slice(0, REPR_LIMIT) + "...";
    };
    const typeName = (v) => {
      if (v === null) return "null";
      const t = typeof v;
      if (t !== "object" && t !== "function") return t;
      if (Array.isArray(v)) return "Array";
      try {
        const proto = Object.getPrototypeOf(v);
        const ctor = proto === null ? undefined : proto.constructor;
        return typeof ctor === "function" && ctor.name ? ctor.name : "Object";
      } catch {
        return "Object";
      }
    };
    const opaque = (v, extra) => Object.assign({ type: typeName(v), repr: inspect(v) }, extra);
    const isList = (v) => Array.isArray(v) ||
      (ArrayBuffer.isView(v) && !(v instanceof DataView) && typeof v.length === "number");
    const convert = (root) => {
      let left = limit;
      const path = new Set();
      const charge = (n) => {
        left -= n;
        if (left < 0) throw new TooBig();
      };
      const conv = (v, depth) => {
        switch (typeof v) {
          case "number":
            charge(24);
            if (Object.is(v, -0)) return { $float: "-0" }; /* JSON would write 0 */
            return Number.isFinite(v) ? v : { $float: Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf" };
          case "string":
            charge(v.length + 2);
            return v;
          case "boolean":
            charge(5);
            return v;
          case "bigint": {
            const s = v.toString();
            charge(s.length + 12);
            return { $bigint: s };
          }
          case "undefined":
            return { type: "undefined", repr: "undefined" };
          case "symbol":
          case "function":
            return opaque(v, {});
        }
        if (v === null) {
          charge(4);
          return null;
        }
        if (depth > 100) return opaque(v, {});
        if (path.has(v)) return { type: typeName(v), repr: "<recursive>" };
        const proto = Object.getPrototypeOf(v);
        const plain = proto === Object.prototype || proto === null;
        if (!plain && !isList(v)) return opaque(v, {});
        if (!plain && v.length > 10000) return opaque(v, { shape: [v.length] });
        path.add(v);
        try {
          charge(2);
          if (!plain) return Array.from(v, (x) => conv(x, depth + 1));
          const keys = Object.keys(v);
          const out = Object.create(null);
          for (const k of keys) {
            charge(k.length + 4);
            out[k] = conv(v[k], depth + 1);
          }
          return keys.length === 1 && keys[0].startsWith("$") ? { $object: out } : out;
        } finally {
          path.delete(v);
        }
      };
      return conv(root, 0);
    };
    const vars = [];
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i];
      let v;
      try {
        v = getters[i]();
      } catch {
        continue; /* not declared, or still in its temporal dead zone */
      }
      if (typeof v === "function") continue; /* functions and classes are not values */
      let type = "unknown";
      let value;
      try {
        type = typeName(v);
        try {
          value = convert(v);
          if (JSON.stringify(value).length > limit) throw new TooBig();
        } catch (e) {
          if (!(e instanceof TooBig)) throw e;
          value = opaque(v, isList(v) ? { shape: [v.length] } : {});
        }
      } catch (e) {
        value = { type, repr: ("<error: " + String(e) + ">").slice(0, REPR_LIMIT) };
      }
      vars.push({ name: spec.name, operation: spec.operation, value, type, cell: spec.cell });
    }
    console.log(marker + JSON.stringify({ v: 1, vars }));
  } catch (e) {
    console.log(marker + JSON.stringify({ v: 1, error: String(e) }));
  }
}`;

/** The names to read: every top-level assignment, latest statement per name, first-seen order. */
export function typescriptSpecs(cells: TypescriptCell[]): TypescriptSpec[] {
  const specs = new Map<string, TypescriptSpec>();
  for (const cell of cells) {
    for (const assignment of topLevelAssignments(cell.source)) {
      for (const name of assignment.names) {
        specs.set(name, { name, operation: assignment.statement, cell: cell.index });
      }
    }
  }
  return [...specs.values()];
}

/** The snippet: one expression statement evaluating to `undefined`. */
export function typescriptIntrospectionCode(
  marker: string,
  cells: TypescriptCell[],
  maxValueBytes: number,
): string {
  const specs = typescriptSpecs(cells);
  const getters = specs.map((s) => `() => ${s.name}`).join(", ");
  return `void (${RUNTIME})([${getters}], ${JSON.stringify(specs)}, ${maxValueBytes}, ${
    JSON.stringify(marker)
  });\n`;
}
