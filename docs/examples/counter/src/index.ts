import { DurableObject } from "cloudflare:workers";

export interface Env {
  COUNTER: DurableObjectNamespace<Counter>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
}

/** Requests one user may make per window. */
const REQUESTS_PER_WINDOW = 20;
/** Length of a rate-limit window in milliseconds. */
const WINDOW_MS = 60_000;

/**
 * One counter per user. The value lives in a one-row SQL table, so it survives
 * restarts and evictions.
 */
export class Counter extends DurableObject<Env> {
  private sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(
      `CREATE TABLE IF NOT EXISTS counter (
         id    INTEGER PRIMARY KEY CHECK (id = 1),
         value INTEGER NOT NULL
       )`,
    );
  }

  /**
   * Adds `by` to the counter and returns the new value.
   * @param by how much to add; may be negative.
   */
  increment(by = 1): number {
    const row = this.sql
      .exec<{ value: number }>(
        `INSERT INTO counter (id, value) VALUES (1, ?)
         ON CONFLICT (id) DO UPDATE SET value = value + excluded.value
         RETURNING value`,
        by,
      )
      .one();
    return row.value;
  }

  /** Returns the current value; a counter that was never incremented reads 0. */
  get(): number {
    const rows = this.sql
      .exec<{ value: number }>("SELECT value FROM counter WHERE id = 1")
      .toArray();
    return rows.length > 0 ? rows[0].value : 0;
  }

  /** Sets the counter back to 0 and returns the value it had. */
  reset(): number {
    const previous = this.get();
    this.sql.exec("DELETE FROM counter");
    return previous;
  }
}

type Window = { startedAt: number; count: number };

export type Verdict = { allowed: boolean; remaining: number; retryAfterMs: number };

/**
 * A fixed-window rate limiter, one instance per user. The current window is a
 * single entry in the synchronous key-value API of SQLite-backed storage.
 */
export class RateLimiter extends DurableObject<Env> {
  /**
   * Counts one request and says whether it fits in the current window.
   * @param limit requests allowed per window.
   * @param windowMs window length in milliseconds.
   */
  take(limit: number, windowMs: number): Verdict {
    const now = Date.now();
    const kv = this.ctx.storage.kv;
    let window = kv.get<Window>("window");
    if (window === undefined || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
    }
    const retryAfterMs = window.startedAt + windowMs - now;
    if (window.count >= limit) {
      return { allowed: false, remaining: 0, retryAfterMs };
    }
    window.count += 1;
    kv.put("window", window);
    return { allowed: true, remaining: limit - window.count, retryAfterMs };
  }
}

function json(body: unknown, init?: ResponseInit): Response {
  return Response.json(body, init);
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    // Routes: GET, POST (?by=N) and DELETE on /users/:userId/counter
    const match = /^\/users\/([^/]+)\/counter$/.exec(url.pathname);
    if (!match) {
      return json({ error: "not found" }, { status: 404 });
    }
    const userId = decodeURIComponent(match[1]);

    const verdict = await env.RATE_LIMITER.getByName(userId).take(
      REQUESTS_PER_WINDOW,
      WINDOW_MS,
    );
    if (!verdict.allowed) {
      return json(
        { error: "too many requests" },
        {
          status: 429,
          headers: { "Retry-After": String(Math.ceil(verdict.retryAfterMs / 1000)) },
        },
      );
    }

    const counter = env.COUNTER.getByName(userId);
    switch (request.method) {
      case "GET":
        return json({ userId, value: await counter.get() });
      case "POST": {
        const by = Number(url.searchParams.get("by") ?? "1");
        if (!Number.isSafeInteger(by)) {
          return json({ error: "`by` must be an integer" }, { status: 400 });
        }
        return json({ userId, value: await counter.increment(by) });
      }
      case "DELETE":
        return json({ userId, previous: await counter.reset() });
      default:
        return json(
          { error: "method not allowed" },
          { status: 405, headers: { Allow: "GET, POST, DELETE" } },
        );
    }
  },
} satisfies ExportedHandler<Env>;
