/**
 * Finds the top-level assignments of a TypeScript/JavaScript cell without a
 * full parser: `const`/`let`/`var` declarations (with object and array
 * destructuring and comma lists) and assignment statements (`x = ...`,
 * `x += ...`, `a = b = ...`, `[a, b] = ...`, `({a} = ...)`). Anything nested
 * in blocks, parentheses, strings, templates or comments is ignored, as are
 * the bodies of `if`/`for`/`while`/... statements and declarations of
 * functions, classes, interfaces, enums and types. Statement ends follow
 * JavaScript's automatic semicolon insertion.
 * @module
 */
import { type Token, tokenize } from "./_ts_tokens.ts";
import {
  AFTER_GENERIC,
  ASSIGN_OPS,
  CLOSERS,
  continues,
  IN_GENERIC,
  OPENERS,
  RESERVED,
} from "./_ts_grammar.ts";

/** One top-level assigning statement. */
export interface TsAssignment {
  /** Names bound or assigned, in source order. */
  names: string[];
  /** The statement's source text (with its `;` if any), trimmed. */
  statement: string;
}

/** The top-level assigning statements of one cell, in source order. Never throws. */
export function topLevelAssignments(source: string): TsAssignment[] {
  return new Scanner(source).run();
}

class Scanner {
  #src: string;
  #t: Token[];
  #found: TsAssignment[] = [];

  constructor(source: string) {
    this.#src = source;
    this.#t = tokenize(source);
  }

  run(): TsAssignment[] {
    let i = 0;
    while (this.#tok(i).kind !== "eof") {
      const next = this.#statement(i, true);
      i = next > i ? next : i + 1;
    }
    return this.#found;
  }

  #tok(i: number): Token {
    return this.#t[Math.min(i, this.#t.length - 1)]!;
  }

  #is(i: number, value: string): boolean {
    const t = this.#tok(i);
    return (t.kind === "punct" || t.kind === "ident") && t.value === value;
  }

  /** Parses the statement at `i`; returns the index after it. */
  #statement(i: number, record: boolean): number {
    const t = this.#tok(i);
    if (t.kind === "eof") return i;
    if (t.kind === "punct") {
      if (t.value === ";") return i + 1;
      if (t.value === "{") return this.#group(i);
      return this.#expression(i, record);
    }
    if (t.kind !== "ident") return this.#expression(i, record);
    const next = this.#tok(i + 1);
    const sameLine = !next.nl;
    switch (t.value) {
      case "const":
        if (this.#is(i + 1, "enum")) return this.#toBlock(i + 2);
        return this.#declaration(i, record);
      case "let":
        if (next.kind === "ident" || this.#is(i + 1, "[") || this.#is(i + 1, "{")) {
          return this.#declaration(i, record);
        }
        return this.#expression(i, record);
      case "var":
        return this.#declaration(i, record);
      case "if": {
        let j = this.#statement(this.#paren(i + 1), false);
        if (this.#is(j, "else")) j = this.#statement(j + 1, false);
        return j;
      }
      case "for":
        return this.#statement(this.#paren(this.#is(i + 1, "await") ? i + 2 : i + 1), false);
      case "while":
      case "with":
        return this.#statement(this.#paren(i + 1), false);
      case "do": {
        let j = this.#statement(i + 1, false);
        if (this.#is(j, "while")) j = this.#paren(j + 1);
        return this.#is(j, ";") ? j + 1 : j;
      }
      case "try": {
        let j = this.#block(i + 1);
        if (this.#is(j, "catch")) {
          j = this.#block(this.#is(j + 1, "(") ? this.#group(j + 1) : j + 1);
        }
        if (this.#is(j, "finally")) j = this.#block(j + 1);
        return j;
      }
      case "switch":
        return this.#block(this.#paren(i + 1));
      case "function":
        return this.#toBody(i + 1);
      case "async":
        if (this.#is(i + 1, "function") && sameLine) return this.#toBody(i + 2);
        return this.#expression(i, record);
      case "class":
        return this.#toBlock(i + 1);
      case "abstract":
      case "interface":
      case "enum":
      case "namespace":
      case "module":
        if (sameLine && (next.kind === "ident" || next.kind === "str")) return this.#toBlock(i + 1);
        return this.#expression(i, record);
      case "type":
      case "declare":
        if (sameLine && next.kind === "ident") return this.#expression(i, false);
        return this.#expression(i, record);
      case "export":
        if (this.#is(i + 1, "const") || this.#is(i + 1, "let") || this.#is(i + 1, "var")) {
          return this.#declaration(i + 1, record, i);
        }
        return this.#statement(i + 1, false);
      case "import":
      case "return":
      case "throw":
      case "break":
      case "continue":
        return this.#expression(i, false);
    }
    if (this.#is(i + 1, ":") && !RESERVED.has(t.value)) return this.#statement(i + 2, false); // a label
    return this.#expression(i, record);
  }

  /** `const|let|var` declarators at `kw`; `from` is where the statement text starts. */
  #declaration(kw: number, record: boolean, from = kw): number {
    const names: string[] = [];
    let j = kw + 1;
    for (;;) {
      j = this.#pattern(j, names);
      if (this.#is(j, "!")) j++;
      if (this.#is(j, ":")) j = this.#type(j + 1);
      if (this.#is(j, "=")) j = this.#scan(j + 1, true);
      if (!this.#is(j, ",")) break;
      j++;
    }
    const t = this.#tok(j);
    if (!t.nl && t.kind !== "eof" && !this.#is(j, ";") && !CLOSERS.has(t.value)) {
      j = this.#scan(j, false);
    }
    return this.#finish(from, j, record ? names : []);
  }

  /** An expression statement; records it if it starts with an assignment. */
  #expression(i: number, record: boolean): number {
    const names: string[] = [];
    const t = this.#tok(i);
    if (t.kind === "ident" && !RESERVED.has(t.value) && this.#assignOp(i + 1)) {
      names.push(t.value);
      for (let k = i + 2; this.#tok(k).kind === "ident" && this.#is(k + 1, "="); k += 2) {
        names.push(this.#tok(k).value);
      }
    } else if (this.#is(i, "[") && this.#is(this.#group(i), "=")) {
      this.#pattern(i, names);
    } else if (this.#is(i, "(") && this.#is(i + 1, "{") && this.#is(this.#group(i + 1), "=")) {
      this.#pattern(i + 1, names);
    }
    return this.#finish(i, this.#scan(i, false), record ? names : []);
  }

  #assignOp(i: number): boolean {
    const t = this.#tok(i);
    return t.kind === "punct" && ASSIGN_OPS.has(t.value);
  }

  /** Consumes an optional `;` at `j` and records `names` with the statement text from `i`. */
  #finish(i: number, j: number, names: string[]): number {
    if (this.#is(j, ";")) j++;
    const unique = [...new Set(names)].filter((n) => !RESERVED.has(n));
    if (unique.length > 0 && j > i) {
      const statement = this.#src.slice(this.#tok(i).start, this.#tok(j - 1).end).trim();
      this.#found.push({ names: unique, statement });
    }
    return j;
  }

  /** A binding target at `j` (identifier, `{...}` or `[...]` pattern); pushes its names. */
  #pattern(j: number, names: string[]): number {
    const t = this.#tok(j);
    if (t.kind === "ident") {
      names.push(t.value);
      return j + 1;
    }
    if (this.#is(j, "[")) return this.#elements(j, names, "]", false);
    if (this.#is(j, "{")) return this.#elements(j, names, "}", true);
    return j;
  }

  #elements(open: number, names: string[], close: string, object: boolean): number {
    const end = this.#group(open);
    let k = open + 1;
    while (k < end - 1) {
      const start = k;
      if (this.#is(k, ",")) {
        k++;
        continue;
      }
      if (this.#is(k, "...")) k = this.#pattern(k + 1, names);
      else if (!object) k = this.#pattern(k, names);
      else {
        const key = this.#tok(k);
        k = this.#is(k, "[") ? this.#group(k) : k + 1;
        if (this.#is(k, ":")) k = this.#pattern(k + 1, names);
        else if (key.kind === "ident") names.push(key.value);
      }
      if (this.#is(k, "=")) k = this.#scan(k + 1, true);
      if (this.#is(k, close) || k <= start) break;
      if (!this.#is(k, ",")) k = this.#scan(k, true); // unexpected: skip the element
    }
    return end;
  }

  /**
   * Scans an expression from `i` to where it ends: a `;` (not consumed), an
   * unmatched closer, a `,` when `stopAtComma`, or a line break where ASI
   * applies. Bracket groups and generic argument lists are skipped whole.
   */
  #scan(i: number, stopAtComma: boolean): number {
    let j = i;
    for (;;) {
      const t = this.#tok(j);
      if (t.kind === "eof") return j;
      if (j > i && t.nl && !continues(this.#tok(j - 1), t)) return j;
      if (t.kind === "punct") {
        if (t.value === ";" || CLOSERS.has(t.value)) return j;
        if (t.value === "," && stopAtComma) return j;
        if (t.value in OPENERS) {
          j = this.#group(j);
          continue;
        }
        if (t.value === "<") {
          const after = this.#generic(j);
          if (after > 0) {
            j = after;
            continue;
          }
        }
      }
      j++;
    }
  }

  /** Skips a type annotation up to a top-level `=`, `,`, `;`, closer or line end. */
  #type(i: number): number {
    let j = i;
    let angle = 0;
    for (;;) {
      const t = this.#tok(j);
      if (t.kind === "eof") return j;
      if (j > i && t.nl && angle === 0) {
        const prev = this.#tok(j - 1).value;
        if (
          !["|", "&", ":", "=>", ",", "<", ".", "?", "keyof", "typeof"].includes(prev) &&
          !["|", "&", "=>", "."].includes(t.value)
        ) {
          return j;
        }
      }
      if (t.kind === "punct") {
        if (t.value in OPENERS) {
          j = this.#group(j);
          continue;
        }
        if (t.value === "<") angle++;
        else if (t.value === ">" || t.value === ">>" || t.value === ">>>") {
          angle = Math.max(0, angle - t.value.length);
        } else if (
          angle === 0 &&
          (t.value === "=" || t.value === "," || t.value === ";" || CLOSERS.has(t.value))
        ) return j;
      }
      j++;
    }
  }

  /** If `<` at `i` opens generic arguments (`f<T>(...)`, `new Map<K, V>()`), the index after `>`; else -1. */
  #generic(i: number): number {
    let depth = 0;
    for (let j = i, steps = 0; steps < 256; steps++) {
      const t = this.#tok(j);
      if (t.kind === "eof" || (t.kind === "punct" && !IN_GENERIC.has(t.value))) return -1;
      if (t.kind === "punct" && t.value in OPENERS) {
        j = this.#group(j);
        continue;
      }
      if (t.value === "<") depth++;
      else if (t.kind === "punct" && t.value.startsWith(">")) {
        depth -= t.value.length;
        if (depth < 0) return -1;
        if (depth === 0) {
          const next = this.#tok(j + 1);
          const ok = next.kind === "eof" || next.nl || next.kind === "tpl" ||
            (next.kind === "punct" && AFTER_GENERIC.has(next.value));
          return ok ? j + 1 : -1;
        }
      }
      j++;
    }
    return -1;
  }

  /** The index after the bracket group opened at `i` (or `i + 1` if `i` opens none). */
  #group(i: number): number {
    const t = this.#tok(i);
    if (t.kind !== "punct" || !(t.value in OPENERS)) return i + 1;
    let depth = 0;
    for (let j = i; j < this.#t.length; j++) {
      const u = this.#t[j]!;
      if (u.kind !== "punct") continue;
      if (u.value in OPENERS) depth++;
      else if (CLOSERS.has(u.value) && --depth === 0) return j + 1;
    }
    return this.#t.length - 1;
  }

  #paren(i: number): number {
    return this.#is(i, "(") ? this.#group(i) : i;
  }

  #block(i: number): number {
    return this.#is(i, "{") ? this.#group(i) : i;
  }

  /** Skips a class/interface/enum/namespace header and its `{...}` body. */
  #toBlock(i: number): number {
    let angle = 0;
    for (let j = i; this.#tok(j).kind !== "eof";) {
      const t = this.#tok(j);
      if (t.kind === "punct") {
        if (t.value === "{" && angle === 0) return this.#group(j);
        if (t.value in OPENERS) {
          j = this.#group(j);
          continue;
        }
        if (t.value === "<") angle++;
        else if (t.value.startsWith(">") && t.value !== ">=") {
          angle = Math.max(0, angle - t.value.length);
        } else if (t.value === ";") return j + 1;
      }
      j++;
    }
    return this.#t.length - 1;
  }

  /** Skips a function declaration's name, generics, parameters, return type and body. */
  #toBody(i: number): number {
    let j = this.#is(i, "*") ? i + 1 : i;
    if (this.#tok(j).kind === "ident") j++;
    if (this.#is(j, "<")) {
      const after = this.#generic(j);
      j = after > 0 ? after : j + 1;
    }
    j = this.#paren(j);
    if (this.#is(j, ":")) {
      let typeExpected = true;
      let angle = 0;
      for (j++; this.#tok(j).kind !== "eof";) {
        const t = this.#tok(j);
        if (t.value === "{" && t.kind === "punct" && !typeExpected && angle === 0) break;
        if (t.kind === "punct" && t.value in OPENERS) {
          j = this.#group(j);
          typeExpected = false;
          continue;
        }
        if (t.value === "<") angle++;
        else if (t.kind === "punct" && t.value.startsWith(">")) {
          angle = Math.max(0, angle - t.value.length);
        }
        typeExpected = t.kind === "punct"
          ? !t.value.startsWith(">")
          : ["keyof", "typeof", "is", "extends", "infer", "readonly"].includes(t.value);
        j++;
      }
    }
    return this.#block(j);
  }
}
