// An agent who is online, as the server sees it: a logged-in agent holding an agent
// WebSocket (docs/protocol.md, "Agent availability"). Without one, visitors get the
// offline form instead of the chat.
import { api, expectStatus, agent, login, uid, eventually } from '../../integration/lib/harness.mjs';

/**
 * Creates an agent (as admin), logs it in and connects its WebSocket, then waits until
 * the server lists it as online. Resolves {agent, token, email, password, socket}; the
 * socket (a WsClient) receives every event of the workspace.
 */
export async function onlineAgent(server, adminToken, { name, capacity, role = 'agent', label } = {}) {
  const id = uid('a').toLowerCase().replace(/[^a-z0-9-]/g, '');
  const body = { email: `${id}@example.com`, name: name ?? `Agent ${id}`, password: 'agent-password-1', role };
  if (capacity !== undefined) body.capacity = capacity;
  const created = expectStatus(await api(server.url, adminToken, 'POST', '/agents', body), 201);
  const session = await login(server.url, body.email, body.password);
  const socket = await agent(server, session.token, { label: label ?? body.name });
  await waitAvailability(server, adminToken, created.id, 'online');
  return { agent: created, token: session.token, email: body.email, password: body.password, socket };
}

/** Waits until GET /agents shows the agent with this availability. */
export async function waitAvailability(server, adminToken, agentId, availability, timeoutMs = 5000) {
  await eventually(async () => {
    const list = expectStatus(await api(server.url, adminToken, 'GET', '/agents'), 200);
    const found = list.items.find((a) => a.id === agentId);
    return found && found.availability === availability;
  }, { timeoutMs, what: `agent ${agentId} ${availability}` });
}

/** Closes every open or pending conversation of the workspace (a clean queue). */
export async function closeAllConversations(server, adminToken) {
  for (const status of ['open', 'pending']) {
    const list = expectStatus(await api(server.url, adminToken, 'GET', `/conversations?status=${status}&limit=100`), 200);
    for (const conversation of list.items) {
      expectStatus(await api(server.url, adminToken, 'POST', `/conversations/${conversation.id}/close`), 200);
    }
  }
}
