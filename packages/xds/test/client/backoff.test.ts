// The reconnect backoff: 1 s, x1.6, jittered by +-20 %, capped at 30 s, back to 1 s after a reset.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Backoff } from "../../src/client/backoff.js";

describe("Backoff", () => {
  it("grows by 1.6 within the jitter, stops at the cap, and resets", () => {
    const b = new Backoff();
    let base = 1000;
    for (let i = 0; i < 12; i++) {
      const d = b.next();
      assert.ok(d >= base * 0.8 - 1 && d <= base * 1.2 + 1, `attempt ${i}: ${d} around ${base}`);
      base = Math.min(30_000, base * 1.6);
    }
    assert.equal(base, 30_000);
    b.reset();
    const d = b.next();
    assert.ok(d >= 799 && d <= 1201);
  });
});
