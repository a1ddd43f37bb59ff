// A minimal chat relay that stores nothing: the reference point for the saturation
// scenario. It speaks the part of Juttu's realtime protocol that `juttu_loadgen chat`
// and `saturation` use (hello, welcome, send, ack, message events), with frames of the
// same fields as Juttu's, and nothing more: no authentication beyond a lookup, no
// storage, no validation. What it costs per message on this machine, with the same
// generator, is what routing frames alone costs.
//
//   node bench/relay.mjs --workspaces FILE [--port 0]
//
// FILE is juttu_bench_seed's output ("site_key token token ..." per line). Prints
// "relay listening on http://127.0.0.1:PORT" once it accepts connections.
import { readFileSync } from 'node:fs';
import { WebSocketServer } from 'ws';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

const workspaceFile = option('workspaces');
if (!workspaceFile) {
  console.error('relay: --workspaces FILE is required');
  process.exit(2);
}

// site key -> workspace, agent token -> workspace
const bySiteKey = new Map();
const byToken = new Map();
for (const line of readFileSync(workspaceFile, 'utf8').split('\n')) {
  const [siteKey, ...tokens] = line.trim().split(/\s+/);
  if (!siteKey) continue;
  const workspace = { agents: new Set() };
  bySiteKey.set(siteKey, workspace);
  for (const token of tokens) byToken.set(token, workspace);
}

const conversations = new Map();  // id -> { workspace, visitor, seq }
let nextConversationId = 1;
let nextMessageId = 1;
let nextAuthorId = 1;

function publish(conversation, event) {
  const frame = JSON.stringify(event);
  if (conversation.visitor.readyState === 1) conversation.visitor.send(frame);
  for (const agent of conversation.workspace.agents) agent.send(frame);
}

function onSend(socket, peer, frame) {
  let conversation;
  if (peer.role === 'visitor') {
    conversation = peer.conversation;
    if (!conversation) {
      conversation = { id: nextConversationId++, workspace: peer.workspace, visitor: socket, seq: 0 };
      conversations.set(conversation.id, conversation);
      peer.conversation = conversation;
    }
  } else {
    conversation = conversations.get(frame.conversation_id);
    if (!conversation || conversation.workspace !== peer.workspace) {
      socket.send(JSON.stringify({ type: 'error', error: { code: 'not_found' } }));
      return;
    }
  }
  // The fields of Juttu's ack and message event, so that both sides move as many bytes.
  const message = {
    id: nextMessageId++, conversation_id: conversation.id, seq: ++conversation.seq,
    client_id: frame.client_id, author: peer.author,
    body: frame.body, created_at: Date.now(),
  };
  socket.send(JSON.stringify({ type: 'ack', client_id: message.client_id,
                               conversation_id: conversation.id, message_id: message.id,
                               seq: message.seq, created_at: message.created_at,
                               duplicate: false }));
  publish(conversation, { type: 'message', conversation_id: conversation.id, message });
}

function onHello(socket, peer, frame) {
  peer.workspace = frame.role === 'agent' ? byToken.get(frame.token) : bySiteKey.get(frame.site_key);
  if (!peer.workspace) {
    socket.close(4001, 'unknown');
    return;
  }
  peer.role = frame.role === 'agent' ? 'agent' : 'visitor';
  const id = nextAuthorId++;
  // As Juttu names authors: agents by name, visitors by their contact.
  peer.author = peer.role === 'agent' ? { kind: 'agent', id, name: `Agent ${id}` } : { kind: 'visitor', id };
  if (peer.role === 'agent') peer.workspace.agents.add(socket);
  socket.send(JSON.stringify({ type: 'welcome' }));
}

const server = new WebSocketServer({ host: '127.0.0.1', port: Number(option('port', '0')),
                                     perMessageDeflate: false, backlog: 4096 });
server.on('connection', (socket) => {
  const peer = { role: null, author: null, workspace: null, conversation: null };
  socket.on('message', (data) => {
    const frame = JSON.parse(data);
    if (frame.type === 'hello') onHello(socket, peer, frame);
    else if (frame.type === 'send' && peer.role) onSend(socket, peer, frame);
  });
  socket.on('close', () => {
    if (peer.role === 'agent') peer.workspace.agents.delete(socket);
  });
});
server.on('listening', () => {
  console.log(`relay listening on http://127.0.0.1:${server.address().port}`);
});
