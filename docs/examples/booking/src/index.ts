import { DurableObject } from "cloudflare:workers";

export interface Env {
  VENUE: DurableObjectNamespace<Venue>;
  /** Shared secret for the admin routes (set with `wrangler secret put ADMIN_TOKEN`). */
  ADMIN_TOKEN: string;
}

export type Slot = {
  id: string;
  starts_at: number;
  capacity: number;
  remaining: number;
};

export type Booking = {
  id: number;
  slot_id: string;
  customer: string;
  status: "held" | "confirmed";
  held_until: number | null;
};

export type BookResult =
  | { ok: true; booking: Booking }
  | { ok: false; reason: "no-such-slot" | "sold-out" };

const DEFAULT_HOLD_MINUTES = 15;

/**
 * One venue: its time slots and the bookings made for them. A booking starts
 * as a hold; holds that are not confirmed in time are released by the alarm.
 */
export class Venue extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec(`
        CREATE TABLE IF NOT EXISTS slots (
          id        TEXT PRIMARY KEY,
          starts_at INTEGER NOT NULL,
          capacity  INTEGER NOT NULL CHECK (capacity > 0)
        );
        CREATE TABLE IF NOT EXISTS bookings (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          slot_id    TEXT NOT NULL REFERENCES slots (id),
          customer   TEXT NOT NULL,
          status     TEXT NOT NULL CHECK (status IN ('held', 'confirmed')),
          held_until INTEGER
        );
        CREATE INDEX IF NOT EXISTS bookings_by_slot ON bookings (slot_id);
      `);
    });
  }

  /** Every slot with the seats still free, earliest first. */
  listSlots(): Slot[] {
    return this.ctx.storage.sql
      .exec<Slot>(
        `SELECT s.id, s.starts_at, s.capacity,
                s.capacity - COUNT(b.id) AS remaining
           FROM slots s LEFT JOIN bookings b ON b.slot_id = s.id
          GROUP BY s.id
          ORDER BY s.starts_at`,
      )
      .toArray();
  }

  /** Creates a slot, or changes the start and capacity of an existing one. */
  upsertSlot(id: string, startsAt: number, capacity: number): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO slots (id, starts_at, capacity) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET starts_at = excluded.starts_at,
                                      capacity  = excluded.capacity`,
      id,
      startsAt,
      capacity,
    );
  }

  /**
   * Holds one seat of `slotId` for `customer`. The hold lasts `holdMinutes`
   * (see {@link setHoldMinutes}) unless it is confirmed.
   */
  async book(slotId: string, customer: string): Promise<BookResult> {
    const heldUntil = Date.now() + this.holdMinutes() * 60_000;
    const result = this.ctx.storage.transactionSync((): BookResult => {
      const sql = this.ctx.storage.sql;
      const slots = sql
        .exec<{ capacity: number }>("SELECT capacity FROM slots WHERE id = ?", slotId)
        .toArray();
      if (slots.length === 0) {
        return { ok: false, reason: "no-such-slot" };
      }
      const { taken } = sql
        .exec<{ taken: number }>(
          "SELECT COUNT(*) AS taken FROM bookings WHERE slot_id = ?",
          slotId,
        )
        .one();
      if (taken >= slots[0].capacity) {
        return { ok: false, reason: "sold-out" };
      }
      const booking = sql
        .exec<Booking>(
          `INSERT INTO bookings (slot_id, customer, status, held_until)
           VALUES (?, ?, 'held', ?)
           RETURNING id, slot_id, customer, status, held_until`,
          slotId,
          customer,
          heldUntil,
        )
        .one();
      return { ok: true, booking };
    });
    if (result.ok) {
      // Wake up when this hold expires, unless an earlier expiry is already scheduled.
      const current = await this.ctx.storage.getAlarm();
      if (current === null || current > heldUntil) {
        await this.ctx.storage.setAlarm(heldUntil);
      }
    }
    return result;
  }

  /** Turns a hold into a confirmed booking. Returns false if the hold has already expired. */
  confirm(bookingId: number): boolean {
    const cursor = this.ctx.storage.sql.exec(
      `UPDATE bookings SET status = 'confirmed', held_until = NULL
        WHERE id = ? AND status = 'held' AND held_until > ?
        RETURNING id`,
      bookingId,
      Date.now(),
    );
    return cursor.toArray().length === 1;
  }

  /** Cancels a booking, held or confirmed. Returns whether there was one. */
  cancel(bookingId: number): boolean {
    const cursor = this.ctx.storage.sql.exec(
      "DELETE FROM bookings WHERE id = ? RETURNING id",
      bookingId,
    );
    return cursor.toArray().length === 1;
  }

  /** How long new holds last, in minutes. */
  holdMinutes(): number {
    return this.ctx.storage.kv.get<number>("holdMinutes") ?? DEFAULT_HOLD_MINUTES;
  }

  setHoldMinutes(minutes: number): void {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
      throw new RangeError("holdMinutes must be a whole number of minutes, 1 to 1440");
    }
    this.ctx.storage.kv.put("holdMinutes", minutes);
  }

  /** Releases expired holds, then schedules itself for the next expiry. */
  async alarm(alarmInfo?: AlarmInvocationInfo): Promise<void> {
    if (alarmInfo?.isRetry) {
      console.warn(`releasing holds, attempt ${alarmInfo.retryCount + 1}`);
    }
    const now = Date.now();
    const released = this.ctx.storage.sql.exec(
      "DELETE FROM bookings WHERE status = 'held' AND held_until <= ?",
      now,
    ).rowsWritten;
    if (released > 0) {
      console.log(`released ${released} expired hold(s)`);
    }
    const { next } = this.ctx.storage.sql
      .exec<{ next: number | null }>(
        "SELECT MIN(held_until) AS next FROM bookings WHERE status = 'held'",
      )
      .one();
    if (next !== null) {
      await this.ctx.storage.setAlarm(next);
    }
  }
}

function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

/** The request body as a JSON object, or null when it is not one. */
async function readObject(request: Request): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await request.json();
    return typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    const parts = url.pathname.split("/").filter((p) => p !== "").map(decodeURIComponent);
    // Every route starts with /venues/:venueId
    if (parts.length < 3 || parts[0] !== "venues") {
      return json({ error: "not found" }, 404);
    }
    const venueId = parts[1];
    const venue = env.VENUE.get(env.VENUE.idFromName(venueId));
    const route = `${request.method} ${parts.slice(2).join("/")}`;

    // GET /venues/:venueId/slots
    if (route === "GET slots") {
      return json(await venue.listSlots());
    }

    // POST /venues/:venueId/slots/:slotId/book   {"customer": "..."}
    const isBook = parts.length === 5 && parts[2] === "slots" && parts[4] === "book";
    if (request.method === "POST" && isBook) {
      const customer = (await readObject(request))?.customer;
      if (typeof customer !== "string" || customer.trim() === "") {
        return json({ error: "`customer` is required" }, 400);
      }
      const result = await venue.book(parts[3], customer.trim());
      if (!result.ok) {
        return json({ error: result.reason }, result.reason === "no-such-slot" ? 404 : 409);
      }
      return json(result.booking, 201);
    }

    // POST /venues/:venueId/bookings/:id/confirm  and  DELETE /venues/:venueId/bookings/:id
    if (parts.length >= 4 && parts[2] === "bookings") {
      const bookingId = Number(parts[3]);
      if (!Number.isSafeInteger(bookingId)) {
        return json({ error: "bad booking id" }, 400);
      }
      if (request.method === "POST" && parts[4] === "confirm" && parts.length === 5) {
        return (await venue.confirm(bookingId))
          ? json({ id: bookingId, status: "confirmed" })
          : json({ error: "no such hold, or it has expired" }, 410);
      }
      if (request.method === "DELETE" && parts.length === 4) {
        return (await venue.cancel(bookingId))
          ? new Response(null, { status: 204 })
          : json({ error: "no such booking" }, 404);
      }
    }

    // Admin: PUT /venues/:venueId/slots/:slotId  {"startsAt": ms, "capacity": n}
    //        PUT /venues/:venueId/settings       {"holdMinutes": n}
    if (request.method === "PUT") {
      if (!env.ADMIN_TOKEN || request.headers.get("Authorization") !== `Bearer ${env.ADMIN_TOKEN}`) {
        return json({ error: "unauthorized" }, 401);
      }
      const body = (await readObject(request)) ?? {};
      if (parts.length === 4 && parts[2] === "slots") {
        const { startsAt, capacity } = body;
        const validCapacity = typeof capacity === "number" && Number.isInteger(capacity) && capacity > 0;
        if (typeof startsAt !== "number" || typeof capacity !== "number" || !validCapacity) {
          return json({ error: "`startsAt` (ms) and a positive integer `capacity` are required" }, 400);
        }
        await venue.upsertSlot(parts[3], startsAt, capacity);
        return new Response(null, { status: 204 });
      }
      if (route === "PUT settings" && typeof body.holdMinutes === "number") {
        try {
          await venue.setHoldMinutes(body.holdMinutes);
        } catch (err) {
          return json({ error: (err as Error).message }, 400);
        }
        return new Response(null, { status: 204 });
      }
    }

    return json({ error: "not found" }, 404);
  },
} satisfies ExportedHandler<Env>;
