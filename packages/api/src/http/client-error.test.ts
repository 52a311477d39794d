import { describe, expect, it } from "vitest";
import { clientErrorResponse } from "./client-error";

describe("clientErrorResponse", () => {
  it("names the status Node would, with the API's headers and an exact length", () => {
    const cases: Array<[string | undefined, string]> = [
      ["HPE_HEADER_OVERFLOW", "431 Request Header Fields Too Large"],
      ["HPE_CHUNK_EXTENSIONS_OVERFLOW", "413 Content Too Large"],
      ["ERR_HTTP_REQUEST_TIMEOUT", "408 Request Timeout"],
      ["HPE_INVALID_METHOD", "400 Bad Request"],
      [undefined, "400 Bad Request"],
    ];
    for (const [code, statusLine] of cases) {
      const raw = clientErrorResponse(code);
      const [head = "", body = ""] = raw.split("\r\n\r\n");
      const [first, ...lines] = head.split("\r\n");
      expect(first, code).toBe(`HTTP/1.1 ${statusLine}`);
      expect(lines).toContain("x-content-type-options: nosniff");
      expect(lines).toContain("cache-control: no-store");
      expect(lines).toContain("connection: close");
      expect(lines).toContain(`content-length: ${Buffer.byteLength(body)}`);
      expect(body).toBe(`${statusLine.slice(4)}\n`);
    }
  });

  it("never reads an inherited property as a code", () => {
    expect(clientErrorResponse("constructor").split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
  });
});
