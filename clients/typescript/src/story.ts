// The main story of the FoodSave app, typed end to end by the client generated from docs/openapi.json:
// sign in (a local dev token), add pantry items (idempotently), upload a receipt and poll it, confirm it,
// chat, and read notifications. Prints one JSON summary line; exits 1 on the first unexpected answer.
//
//   node dist/story.js <receipt.jpg>      (FOODSAVE_URL, default http://127.0.0.1:8000; FOODSAVE_USER)
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";

import createClient from "openapi-fetch";

import type { components, paths } from "./schema.js";

type ChatAction = components["schemas"]["ChatOut"]["actions"][number];
type ChatSource = components["schemas"]["ChatOut"]["sources"][number];
type Receipt = components["schemas"]["ReceiptOut"];
type Problem = components["schemas"]["Problem"];

const baseUrl = process.env.FOODSAVE_URL ?? "http://127.0.0.1:8000";
const user = process.env.FOODSAVE_USER ?? "anna";
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer dev-${user}` } });

function fail(step: string, detail: unknown): never {
  console.error(`story failed at ${step}: ${JSON.stringify(detail)}`);
  process.exit(1);
}

function must<T>(step: string, result: { data?: T; error?: unknown }): T {
  if (result.data === undefined) fail(step, result.error as Problem | undefined);
  return result.data;
}

/** What an app would show for each action the assistant took; the switch is checked for exhaustiveness. */
export function describeAction(action: ChatAction): string {
  switch (action.type) {
    case "pantry.add":
      return `added ${action.quantity} ${action.unit} ${action.name}`;
    case "pantry.consume":
    case "pantry.discard":
      return `${action.type === "pantry.consume" ? "ate" : "threw away"} ${action.name} (${action.status})`;
    case "shopping_list.add":
    case "shopping_list.done":
    case "shopping_list.remove":
      return `${action.type} ${action.name}`;
    case "shopping_list.add_many":
      return `added ${action.count} lines from ${action.source}`;
    case "shopping_list.clear":
      return `cleared ${action.removed} lines`;
    case "suggest":
      return `suggest: ${action.message}`;
    default: {
      const unknown: never = action;
      return `unknown action ${JSON.stringify(unknown)}`;
    }
  }
}

export function describeSource(source: ChatSource): string {
  switch (source.type) {
    case "pantry_item":
    case "shopping_list_item":
      return source.name;
    case "recipe":
    case "document":
    case "knowledge":
    case "web":
      return source.title;
    case "receipt":
      return source.merchant ?? source.id;
    case "spending":
      return `${source.start}..${source.end}`;
    default: {
      const unknown: never = source;
      return JSON.stringify(unknown);
    }
  }
}

async function addPantryItems(): Promise<string[]> {
  const milk = { name: "Mleko 3,2% 1L", quantity: "2", unit: "szt" as const, expires_at: "2030-01-05" };
  const key = randomUUID();
  const first = await api.POST("/v1/pantry/items", { body: milk, params: { header: { "Idempotency-Key": key } } });
  const created = must("add milk", first);
  // A retry after a lost answer: same key, same body, the same item comes back (not a second one).
  const retry = await api.POST("/v1/pantry/items", { body: milk, params: { header: { "Idempotency-Key": key } } });
  if (must("retry milk", retry).id !== created.id) fail("idempotent retry", retry.data);
  if (first.response.headers.get("Location") !== `/v1/pantry/items/${created.id}`) fail("location", created.id);

  const bread = must("add bread", await api.POST("/v1/pantry/items", { body: { name: "Chleb żytni" } }));
  // Change it only if nobody else did since we read it.
  const read = await api.GET("/v1/pantry/items/{item_id}", { params: { path: { item_id: bread.id } } });
  const etag = read.response.headers.get("ETag") ?? fail("etag", bread.id);
  const patched = await api.PATCH("/v1/pantry/items/{item_id}", {
    params: { path: { item_id: bread.id }, header: { "If-Match": etag } },
    body: { expires_at: "2030-01-03" },
  });
  must("patch bread", patched);
  const stale = await api.PATCH("/v1/pantry/items/{item_id}", {
    params: { path: { item_id: bread.id }, header: { "If-Match": etag } },
    body: { quantity: "2" },
  });
  if (stale.response.status !== 412) fail("stale If-Match", stale.response.status);

  const found = must("search pantry", await api.GET("/v1/pantry/items", { params: { query: { q: "chleb zytni" } } }));
  if (found.total !== 1) fail("accent-insensitive q", found);
  return [created.id, bread.id];
}

async function uploadReceipt(photo: Uint8Array): Promise<Receipt> {
  const started = must(
    "start receipt",
    await api.POST("/v1/receipts", {
      body: { content_type: "image/jpeg" },
      params: { header: { "Idempotency-Key": randomUUID() } },
    }),
  );
  const slot = started.upload ?? fail("upload slot", started);
  const form = new FormData();
  for (const [name, value] of Object.entries(slot.fields)) form.append(name, value);
  form.append("file", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "receipt.jpg");
  const stored = await fetch(slot.url, { method: "POST", body: form });
  if (stored.status !== 204) fail("upload", await stored.text());

  const deadline = Date.now() + 90_000;
  for (;;) {
    const polled = must(
      "poll receipt",
      await api.GET("/v1/receipts/{receipt_id}", { params: { path: { receipt_id: started.receipt.id } } }),
    );
    if (polled.status !== "pending" && polled.status !== "processing") return polled;
    if (Date.now() > deadline) fail("receipt still processing", polled.status);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<void> {
  const photoPath = process.argv[2] ?? fail("arguments", "usage: story.js <receipt.jpg>");
  must("health", await api.GET("/health"));
  const me = must("sign in", await api.GET("/v1/me"));
  const itemIds = await addPantryItems();

  const receipt = await uploadReceipt(await readFile(photoPath));
  let confirmed = 0;
  if (receipt.status === "parsed" || receipt.status === "needs_review") {
    const result = must(
      "confirm",
      await api.POST("/v1/receipts/{receipt_id}/confirm", { params: { path: { receipt_id: receipt.id } } }),
    );
    confirmed = result.pantry_items.length;
  }

  const chat = must("chat", await api.POST("/v1/chat", { body: { message: "zjadłem chleb żytni" } }));
  const notifications = must("notifications", await api.GET("/v1/notifications", { params: { query: { limit: 20 } } }));
  for (const note of notifications.items.filter((n) => n.read_at === null)) {
    must(
      "mark read",
      await api.POST("/v1/notifications/{notification_id}/read", { params: { path: { notification_id: note.id } } }),
    );
  }
  const pantry = must("pantry", await api.GET("/v1/pantry/items", { params: { query: { sort: "name", limit: 200 } } }));

  console.log(
    JSON.stringify({
      user: me.id,
      created: itemIds.length,
      receipt: { status: receipt.status, lines: receipt.lines?.length ?? 0, confirmed },
      chat: { agent: chat.agent, actions: chat.actions.map(describeAction), sources: chat.sources.map(describeSource) },
      notifications: notifications.total,
      pantry: pantry.total,
    }),
  );
}

await main();
