import { DurableObject } from "cloudflare:workers";

export interface Env {
  CHAT_ROOM: DurableObjectNamespace<ChatRoom>;
}

/** What each connection remembers about itself across hibernation. */
type Attachment = { user: string; joinedAt: number };

export type ChatMessage = { id: number; user: string; body: string; sent_at: number };

/** Frames the room sends to its clients, as JSON text. */
type ServerFrame =
  | { type: "history"; messages: ChatMessage[] }
  | { type: "message"; message: ChatMessage }
  | { type: "join" | "leave"; user: string; online: number }
  | { type: "error"; error: string };

const HISTORY_SIZE = 100;
const MAX_MESSAGE_LENGTH = 2_000;

/**
 * A chat room. Connections use the WebSocket Hibernation API, so an idle room is
 * evicted from memory while its clients stay connected; the last messages are
 * kept in SQLite and replayed to every new connection.
 */
export class ChatRoom extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec(`
        CREATE TABLE IF NOT EXISTS messages (
          id      INTEGER PRIMARY KEY AUTOINCREMENT,
          user    TEXT NOT NULL,
          body    TEXT NOT NULL,
          sent_at INTEGER NOT NULL
        )
      `);
    });
    // Answered by the runtime without waking the object up.
    this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade") !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const user = (new URL(request.url).searchParams.get("user") ?? "").trim().slice(0, 32);
    if (user === "") {
      return new Response("the `user` query parameter is required", { status: 400 });
    }
    // Connections are tagged with their user name, so a name can be in use only once.
    if (this.ctx.getWebSockets(user).length > 0) {
      return new Response(`the name ${user} is taken in this room`, { status: 409 });
    }

    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, [user]);
    const attachment: Attachment = { user, joinedAt: Date.now() };
    server.serializeAttachment(attachment);

    send(server, { type: "history", messages: this.recentMessages(HISTORY_SIZE) });
    this.broadcast({ type: "join", user, online: this.ctx.getWebSockets().length });
    return new Response(null, { status: 101, webSocket: client });
  }

  async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    if (typeof data !== "string") {
      send(ws, { type: "error", error: "only text messages are supported" });
      return;
    }
    const body = data.trim();
    if (body === "" || body.length > MAX_MESSAGE_LENGTH) {
      send(ws, { type: "error", error: `messages are 1 to ${MAX_MESSAGE_LENGTH} characters` });
      return;
    }
    const { user } = ws.deserializeAttachment() as Attachment;
    const sql = this.ctx.storage.sql;
    const message = sql
      .exec<ChatMessage>(
        `INSERT INTO messages (user, body, sent_at) VALUES (?, ?, ?)
         RETURNING id, user, body, sent_at`,
        user,
        body,
        Date.now(),
      )
      .one();
    sql.exec("DELETE FROM messages WHERE id <= ?", message.id - HISTORY_SIZE);
    this.broadcast({ type: "message", message });
  }

  async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // With hibernation the close handshake is ours to finish. 1005, 1006 and 1015
    // describe a close but may not be sent in one.
    const reserved = code === 1005 || code === 1006 || code === 1015;
    ws.close(reserved ? 1000 : code, reason);
    const { user } = ws.deserializeAttachment() as Attachment;
    const online = this.ctx.getWebSockets().filter((other) => other !== ws).length;
    this.broadcast({ type: "leave", user, online }, ws);
  }

  async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    console.error("websocket error", error);
    try {
      ws.close(1011, "internal error");
    } catch {
      // Already closed.
    }
  }

  /** The last `limit` messages, oldest first. Also callable over RPC. */
  recentMessages(limit: number): ChatMessage[] {
    const rows = this.ctx.storage.sql
      .exec<ChatMessage>(
        "SELECT id, user, body, sent_at FROM messages ORDER BY id DESC LIMIT ?",
        Math.max(0, Math.min(limit, HISTORY_SIZE)),
      )
      .toArray();
    return rows.reverse();
  }

  private broadcast(frame: ServerFrame, except?: WebSocket): void {
    for (const ws of this.ctx.getWebSockets()) {
      if (ws !== except) {
        send(ws, frame);
      }
    }
  }
}

function send(ws: WebSocket, frame: ServerFrame): void {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // The peer is gone; its webSocketClose or webSocketError call cleans up.
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    // /room/:name/ws      joins the room over a WebSocket (?user=NAME)
    // /room/:name/history returns the recent messages as JSON
    const match = /^\/room\/([^/]+)\/(ws|history)$/.exec(url.pathname);
    if (!match) {
      return new Response("not found", { status: 404 });
    }
    const name = decodeURIComponent(match[1]);
    const room = env.CHAT_ROOM.getByName(name);
    if (match[2] === "ws") {
      return room.fetch(request);
    }
    const limit = Number(url.searchParams.get("limit") ?? "50");
    return Response.json(await room.recentMessages(Number.isFinite(limit) ? limit : 50));
  },
} satisfies ExportedHandler<Env>;
