/**
 * The `nbchain` command line. Thin: everything is in `runner/cli_main.ts`.
 *
 * ```sh
 * deno run -A jsr:@x/nbchain ./notebooks params.json
 * ```
 * @module
 */
import { main } from "./runner/cli_main.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
