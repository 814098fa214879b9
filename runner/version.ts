/**
 * nbchain's version, read from deno.json (the one place it is written).
 * @module
 */
import config from "../deno.json" with { type: "json" };

/** nbchain's version. */
export const VERSION: string = config.version;
