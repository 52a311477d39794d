// The request's headers as a Fetch `Headers`, filled from Node's parsed headers only when
// something needs more than get() or has(). Filling runs undici's checks over every byte of
// every value (a ~400-byte Authorization header alone is ~2 µs, a browser's dozen headers more),
// and a call that only reads a few headers by name (auth.me reads two) should not pay for it.
import type { IncomingHttpHeaders } from "node:http";

// HTTP whitespace as undici strips it from both ends of a value it is handed (Fetch's
// "normalize"): tab, line feed, carriage return, space.
const isHttpWhitespace = (code: number) => code === 9 || code === 10 || code === 13 || code === 32;

function normalise(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHttpWhitespace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

// Headers' own methods, called on an IncomingHeaders as on any Headers (undici-types declares
// them as properties, so TypeScript does not let `super.get` reach them).
const headersGet = Headers.prototype.get;
const headersHas = Headers.prototype.has;
const headersAppend = Headers.prototype.append;

/**
 * A `Headers` (instanceof, every method) holding what `new Headers()` plus one `append` per
 * field of Node's `req.headers` would hold, HTTP/2 pseudo-headers left out, as tRPC's adapter
 * builds it. `get` and `has` answer from Node's headers while nothing else has been asked;
 * any other use (iterating, changing, inspecting, handing it to undici) fills it first, and
 * from then on it is an ordinary `Headers`. Node's parser only lets through names and values
 * that undici accepts, so filling never throws where building it eagerly would not have.
 */
export class IncomingHeaders extends Headers {
  #source: IncomingHttpHeaders | undefined;

  constructor(source: IncomingHttpHeaders) {
    super();
    this.#source = source;
  }

  /**
   * Undici's own checks of `name` (its TypeError for a name no field can have, a pseudo-header's
   * included), then the field as Node parsed it.
   */
  #field(name: string): string | string[] | undefined {
    headersGet.call(this, name);
    const source = this.#source as IncomingHttpHeaders;
    const key = String(name).toLowerCase();
    // Own fields only: Node's object has Object.prototype under it ("constructor", "toString").
    return Object.hasOwn(source, key) ? source[key] : undefined;
  }

  #fill(): void {
    const source = this.#source;
    if (source === undefined) return;
    this.#source = undefined;
    for (const [name, value] of Object.entries(source)) {
      if (name.startsWith(":")) continue;
      if (Array.isArray(value)) for (const item of value) headersAppend.call(this, name, item);
      else if (value !== undefined) headersAppend.call(this, name, value);
    }
  }

  static {
    const define = (
      key: PropertyKey,
      value: (this: IncomingHeaders, ...args: never[]) => unknown,
    ) => {
      const descriptor = Object.getOwnPropertyDescriptor(Headers.prototype, key);
      Object.defineProperty(IncomingHeaders.prototype, key, { ...descriptor, value });
    };
    define("get", function (this: IncomingHeaders, name: string): string | null {
      if (this.#source === undefined) return headersGet.call(this, name);
      const value = this.#field(name);
      if (value === undefined) return null;
      if (typeof value === "string") return normalise(value);
      // Only set-cookie comes as a list: let undici join it.
      this.#fill();
      return headersGet.call(this, name);
    });
    define("has", function (this: IncomingHeaders, name: string): boolean {
      if (this.#source === undefined) return headersHas.call(this, name);
      return this.#field(name) !== undefined;
    });
    // Everything else Headers.prototype has (methods, the iterator, undici's internal getter for
    // sorted entries, inspection) fills first and then does what Headers does. Done over the
    // prototype's own keys, so a method a later Node adds is covered too.
    const done = new Set<PropertyKey>(["constructor", "get", "has", Symbol.toStringTag]);
    for (const key of Reflect.ownKeys(Headers.prototype)) {
      if (done.has(key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(Headers.prototype, key);
      if (!descriptor) continue;
      const { value: method, get: getter } = descriptor;
      if (typeof method === "function") {
        define(key, function (this: IncomingHeaders, ...args: unknown[]) {
          this.#fill();
          return Reflect.apply(method, this, args);
        });
      } else if (getter) {
        Object.defineProperty(IncomingHeaders.prototype, key, {
          ...descriptor,
          get(this: IncomingHeaders) {
            this.#fill();
            return Reflect.apply(getter, this, []);
          },
        });
      }
    }
  }
}
