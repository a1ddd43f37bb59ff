#include "store/sqlite/migrations.hpp"

#include <array>
#include <optional>
#include <sstream>
#include <string>

namespace juttu::store::sqlite {

namespace {

// Deletion rules, chosen so nothing is left pointing at a deleted row:
//  - A workspace owns everything in it: deleting it cascades to all its rows.
//  - Deleting a site deletes the site's conversations, and with them their messages
//    and read marks (a conversation cannot exist without the site it belongs to).
//    Contacts belong to the workspace, not the site: a contact that first came from
//    the deleted site keeps its other conversations and its page views, and its
//    site_id becomes NULL (read back as 0).
//  - Deleting an agent deletes its sessions, unassigns its conversations (assignee_id
//    becomes NULL) and deletes its read marks. Its messages stay, with author_id still
//    naming the deleted agent, so conversation history is never rewritten.
//
// Tenancy is enforced by the schema where a row points into its own workspace:
// conversations reference (workspace_id, site_id) and (workspace_id, contact_id), so
// a conversation cannot join a site or contact of another workspace.
//
// Token hashes are BLOBs: compared bytewise whatever encoding the caller uses.
// Empty client ids are stored as NULL so they never collide in the idempotency key.
constexpr std::string_view initial_schema = R"sql(
CREATE TABLE workspaces (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
);

CREATE TABLE sites (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    key              TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    allowed_origins  TEXT NOT NULL DEFAULT '',  -- newline-joined origins
    greeting         TEXT NOT NULL DEFAULT '',
    color            TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL
);
-- Parent key for the composite foreign keys; also lists a workspace's sites.
CREATE UNIQUE INDEX sites_workspace_id ON sites(workspace_id, id);

CREATE TABLE agents (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'agent')),
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX agents_workspace_id ON agents(workspace_id, id);

CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    agent_id    INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    token_hash  BLOB NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_agent ON sessions(agent_id);

CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    site_id       INTEGER REFERENCES sites(id) ON DELETE SET NULL,
    token_hash    BLOB NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL DEFAULT '',
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    visits        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (workspace_id, token_hash)
);
CREATE UNIQUE INDEX contacts_workspace_id ON contacts(workspace_id, id);
CREATE INDEX contacts_site ON contacts(site_id);

CREATE TABLE contact_attributes (
    contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (contact_id, key)
) WITHOUT ROWID;

CREATE TABLE page_views (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL,
    contact_id    INTEGER NOT NULL,
    url           TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    referrer      TEXT NOT NULL DEFAULT '',
    at            INTEGER NOT NULL,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
        ON DELETE CASCADE
);
CREATE INDEX page_views_contact ON page_views(contact_id, at DESC, id DESC);

CREATE TABLE conversations (
    id                    INTEGER PRIMARY KEY,
    workspace_id          INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    site_id               INTEGER NOT NULL,
    contact_id            INTEGER NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('open', 'pending', 'closed')),
    assignee_id           INTEGER REFERENCES agents(id) ON DELETE SET NULL,
    last_seq              INTEGER NOT NULL DEFAULT 0,
    last_message_preview  TEXT NOT NULL DEFAULT '',
    last_message_at       INTEGER NOT NULL DEFAULT 0,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    closed_at             INTEGER,
    FOREIGN KEY (workspace_id, site_id) REFERENCES sites(workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
        ON DELETE CASCADE
);
-- The inbox: newest activity first, keyset-paginated.
CREATE INDEX conversations_recent ON conversations(workspace_id, updated_at DESC, id DESC);
-- A visitor's active conversation on a site.
CREATE INDEX conversations_contact ON conversations(contact_id, site_id, status);
-- Per-site inbox, and the child key of the site foreign key.
CREATE INDEX conversations_site ON conversations(site_id, updated_at DESC, id DESC);
-- Per-agent inbox, and unassigning on agent deletion.
CREATE INDEX conversations_assignee ON conversations(assignee_id, updated_at DESC, id DESC);

CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    client_id        TEXT,  -- NULL when the client sent none
    author_kind      TEXT NOT NULL CHECK (author_kind IN ('visitor', 'agent', 'system')),
    author_id        INTEGER,
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    UNIQUE (conversation_id, seq),
    -- Idempotency: a client id is unique per author.
    UNIQUE (author_kind, author_id, client_id)
);

CREATE TABLE read_marks (
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    reader_kind      TEXT NOT NULL CHECK (reader_kind IN ('visitor', 'agent', 'system')),
    reader_id        INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, reader_kind, reader_id)
) WITHOUT ROWID;

-- reader_id is polymorphic (contact or agent), so no foreign key can do this.
CREATE TRIGGER agents_delete_read_marks AFTER DELETE ON agents
BEGIN
    DELETE FROM read_marks WHERE reader_kind = 'agent' AND reader_id = OLD.id;
END;

-- One row rewritten by health probes to prove a write transaction commits.
CREATE TABLE store_probe (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    writes  INTEGER NOT NULL
);
)sql";

// Messages keep the author's display name as it was when they were written, like the
// From of an email: renaming an agent does not rewrite history.
constexpr std::string_view message_author_names = R"sql(
ALTER TABLE messages ADD COLUMN author_name TEXT NOT NULL DEFAULT '';
)sql";

constexpr std::string_view agent_capacity = R"sql(
ALTER TABLE agents ADD COLUMN capacity INTEGER NOT NULL DEFAULT 4;
)sql";

constexpr std::string_view canned_responses = R"sql(
CREATE TABLE canned_responses (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    shortcut     TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, shortcut)
);
)sql";

// Teams, routing settings, the queue's times, internal notes and the e-mail outbox.
// An agent's removal keeps its notes (agent_id NULL); a team's removal leaves its
// conversations and canned responses to everyone (team_id NULL).
constexpr std::string_view routing_and_offline = R"sql(
CREATE TABLE teams (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);
CREATE UNIQUE INDEX teams_workspace_id ON teams(workspace_id, id);

CREATE TABLE team_members (
    workspace_id INTEGER NOT NULL,
    team_id      INTEGER NOT NULL,
    agent_id     INTEGER NOT NULL,
    PRIMARY KEY (team_id, agent_id),
    FOREIGN KEY (workspace_id, team_id) REFERENCES teams(workspace_id, id) ON DELETE CASCADE,
    FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX team_members_workspace ON team_members(workspace_id, agent_id);

ALTER TABLE agents ADD COLUMN languages TEXT NOT NULL DEFAULT '';  -- comma-joined tags

ALTER TABLE sites ADD COLUMN routing TEXT NOT NULL DEFAULT 'auto'
    CHECK (routing IN ('auto', 'manual'));
ALTER TABLE sites ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE sites ADD COLUMN always_open INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sites ADD COLUMN schedule TEXT NOT NULL DEFAULT '';  -- core/business_hours_text.hpp
ALTER TABLE sites ADD COLUMN prechat TEXT NOT NULL DEFAULT '';   -- see encode_prechat

ALTER TABLE conversations ADD COLUMN team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN channel TEXT NOT NULL DEFAULT 'chat'
    CHECK (channel IN ('chat', 'offline'));
ALTER TABLE conversations ADD COLUMN missed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN first_assigned_at INTEGER;
ALTER TABLE conversations ADD COLUMN first_response_at INTEGER;
-- The queue: open chats nobody has, oldest first.
CREATE INDEX conversations_queue ON conversations(workspace_id, created_at, id)
    WHERE assignee_id IS NULL AND status = 'open' AND channel = 'chat';
-- Each agent's load, read by every routing pass.
CREATE INDEX conversations_load ON conversations(workspace_id, assignee_id)
    WHERE assignee_id IS NOT NULL AND status IN ('open', 'pending');
CREATE INDEX conversations_team ON conversations(team_id) WHERE team_id IS NOT NULL;
-- Conversations from before: their first answer and assignment, so that answered chats
-- are never taken for missed ones.
UPDATE conversations SET first_response_at = (
    SELECT MIN(m.created_at) FROM messages m
    WHERE m.conversation_id = conversations.id AND m.author_kind = 'agent');
UPDATE conversations SET first_assigned_at = created_at WHERE assignee_id IS NOT NULL;

ALTER TABLE canned_responses ADD COLUMN team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL;

CREATE TABLE notes (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    agent_id        INTEGER REFERENCES agents(id) ON DELETE SET NULL,
    author_name     TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX notes_conversation ON notes(conversation_id, id);
CREATE INDEX notes_agent ON notes(agent_id) WHERE agent_id IS NOT NULL;

-- Replies to be e-mailed, written in the transaction of the message itself.
CREATE TABLE email_outbox (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL,
    message_id      INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX email_outbox_due ON email_outbox(next_attempt_at) WHERE state = 'pending';
CREATE INDEX email_outbox_message ON email_outbox(message_id);
)sql";

// A visitor's message goes to their open conversation, looked up for every message:
// through this index without sorting (no temporary b-trees), and it changes only when
// a conversation opens or closes, never with a message.
constexpr const char* active_conversations = R"sql(
CREATE INDEX conversations_active ON conversations(contact_id, site_id)
    WHERE status IN ('open', 'pending');
)sql";

// Every message rewrites its conversation's updated_at. Indexes ordered by it moved the
// conversation in three b-trees per message; now they hold closed conversations only,
// which messages seldom reach, and open and pending ones are found by keys no message
// changes (and sorted when listed: see conversation_listing.cpp). The plain keys also
// serve the workspace, site and agent foreign keys.
constexpr const char* activity_indexes_for_closed = R"sql(
DROP INDEX conversations_recent;
DROP INDEX conversations_site;
DROP INDEX conversations_assignee;
CREATE INDEX conversations_workspace ON conversations(workspace_id, status);
CREATE INDEX conversations_site ON conversations(site_id, status);
CREATE INDEX conversations_assignee ON conversations(assignee_id, status);
CREATE INDEX conversations_closed_recent ON conversations(workspace_id, updated_at DESC, id DESC)
    WHERE status = 'closed';
CREATE INDEX conversations_closed_site ON conversations(site_id, updated_at DESC, id DESC)
    WHERE status = 'closed';
CREATE INDEX conversations_closed_assignee
    ON conversations(assignee_id, updated_at DESC, id DESC) WHERE status = 'closed';
)sql";

// The idempotency key leads with the client id: ids that begin with the time they were
// made (the widget's and the console's do) then land on the index's last pages, where
// one commit's messages share a few pages; keyed by author first, every message of a
// batch dirtied a page of its own once the table grew (BENCHMARKS.md, 2026-11-26
// morning: WAL 12.5 → 7.1 KB and ~56 → ~45 µs per message past a million messages).
// A table constraint cannot be changed in place: the table is rebuilt, with
// foreign keys off (see Migration::rebuilt_tables), so that dropping the old table
// cascades to nothing; columns, rows and ids stay as they were.
constexpr const char* messages_keyed_by_client_id = R"sql(
CREATE TABLE messages_rebuilt (
    id               INTEGER PRIMARY KEY,
    conversation_id  INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    client_id        TEXT,  -- NULL when the client sent none
    author_kind      TEXT NOT NULL CHECK (author_kind IN ('visitor', 'agent', 'system')),
    author_id        INTEGER,
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    author_name      TEXT NOT NULL DEFAULT '',
    UNIQUE (conversation_id, seq),
    -- Idempotency: a client id is unique per author.
    UNIQUE (client_id, author_kind, author_id)
);
INSERT INTO messages_rebuilt(id, conversation_id, seq, client_id, author_kind, author_id, body,
                             created_at, author_name)
    SELECT id, conversation_id, seq, client_id, author_kind, author_id, body, created_at,
           author_name
    FROM messages;
DROP TABLE messages;
ALTER TABLE messages_rebuilt RENAME TO messages;
)sql";

// A CHECK of a column against three or more constants (`x IN ('a', 'b', 'c')`) builds a
// temporary b-tree of the constants each time sqlite checks it: every message insert
// opened, filled and freed one (about 4 % of the server's CPU per message at 16,000
// messages/s; BENCHMARKS.md, 2026-11-26 day). The same constraints as comparisons,
// which sqlite checks in place; the rows already satisfy them.
constexpr std::array<DefinitionEdit, 4> checks_as_comparisons{{
    {"messages", "CHECK (author_kind IN ('visitor', 'agent', 'system'))",
     "CHECK (author_kind = 'visitor' OR author_kind = 'agent' OR author_kind = 'system')"},
    {"read_marks", "CHECK (reader_kind IN ('visitor', 'agent', 'system'))",
     "CHECK (reader_kind = 'visitor' OR reader_kind = 'agent' OR reader_kind = 'system')"},
    {"conversations", "CHECK (status IN ('open', 'pending', 'closed'))",
     "CHECK (status = 'open' OR status = 'pending' OR status = 'closed')"},
    {"email_outbox", "CHECK (state IN ('pending', 'sent', 'failed'))",
     "CHECK (state = 'pending' OR state = 'sent' OR state = 'failed')"},
}};

// A message wrote its conversation's last seq, preview and time into the conversation's
// row: a page of WAL per message for a row that other conversations' messages rarely
// share (about a third of the bytes a message wrote; BENCHMARKS.md, 2026-11-26 day).
// They are now read from the conversation's last message (rows.hpp); the columns go,
// rather than stay behind with values that stopped changing.
constexpr const char* activity_from_messages = R"sql(
ALTER TABLE conversations DROP COLUMN last_seq;
ALTER TABLE conversations DROP COLUMN last_message_preview;
ALTER TABLE conversations DROP COLUMN last_message_at;
)sql";

// Attachments (services/files): one row per uploaded file, unique per uploader and
// idempotency key, attached to at most one message. Its bytes live in the blob store.
constexpr const char* files_table = R"sql(
CREATE TABLE files (
    id TEXT PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    uploader_kind TEXT NOT NULL CHECK (uploader_kind = 'visitor' OR uploader_kind = 'agent'),
    uploader_id INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE,
    message_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    type TEXT NOT NULL,
    image INTEGER NOT NULL,
    width INTEGER,
    height INTEGER,
    blob_key TEXT NOT NULL,
    thumbnail_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (workspace_id, uploader_kind, uploader_id, idempotency_key)
);
CREATE INDEX files_by_message ON files(message_id) WHERE message_id IS NOT NULL;
CREATE INDEX files_unattached ON files(created_at) WHERE message_id IS NULL;
)sql";

// Full-text search (core/search_text.hpp). The terms are computed by juttu_search_terms,
// which every Juttu connection defines, and written in the transaction of the change
// itself, so the index never lags: a new message's by the store just before the commit
// (message_indexer.hpp: once for the whole batch), a changed or deleted message's and a
// contact's (name, e-mail and attribute values) by triggers. The message index stores
// no copy of the terms (content=''), positions (detail=none: no phrase is ever looked
// for) or sizes (columnsize=0: results are ordered by time, not rank): a deleted
// message's terms are computed again to remove them. The tokenizer keeps the words as
// juttu_search_terms wrote them, split at its spaces only (an e-mail address stays one
// term; so does a word with a full-width comma or an Arabic one inside, which unicode61
// would split, and a query for it would then be a phrase, which detail=none refuses).
// Outside Juttu (the sqlite3 shell) the function is missing, and writing a message or
// contact there fails.
constexpr const char* search_index = R"sql(
CREATE VIRTUAL TABLE message_search USING fts5(
    terms, content='', detail=none, columnsize=0, tokenize="ascii tokenchars '@.-_+'");
CREATE VIRTUAL TABLE contact_search USING fts5(
    terms, tokenize="ascii tokenchars '@.-_+'");

CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_search(message_search, rowid, terms)
    VALUES ('delete', old.id, juttu_search_terms(old.body));
END;
CREATE TRIGGER message_search_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO message_search(message_search, rowid, terms)
    VALUES ('delete', old.id, juttu_search_terms(old.body));
    INSERT INTO message_search(rowid, terms) VALUES (new.id, juttu_search_terms(new.body));
END;

CREATE VIEW contact_search_source(id, terms) AS
SELECT ct.id, juttu_search_terms(ct.name || ' ' || ct.email || ' ' ||
       COALESCE((SELECT group_concat(a.value, ' ') FROM contact_attributes a
                 WHERE a.contact_id = ct.id), ''))
FROM contacts ct;

CREATE TRIGGER contact_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_search(rowid, terms)
    SELECT id, terms FROM contact_search_source WHERE id = new.id;
END;
CREATE TRIGGER contact_search_update AFTER UPDATE OF name, email ON contacts BEGIN
    DELETE FROM contact_search WHERE rowid = new.id;
    INSERT INTO contact_search(rowid, terms)
    SELECT id, terms FROM contact_search_source WHERE id = new.id;
END;
CREATE TRIGGER contact_search_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_search WHERE rowid = old.id;
END;
CREATE TRIGGER contact_search_attribute_insert AFTER INSERT ON contact_attributes BEGIN
    DELETE FROM contact_search WHERE rowid = new.contact_id;
    INSERT INTO contact_search(rowid, terms)
    SELECT id, terms FROM contact_search_source WHERE id = new.contact_id;
END;
CREATE TRIGGER contact_search_attribute_update AFTER UPDATE ON contact_attributes BEGIN
    DELETE FROM contact_search WHERE rowid = new.contact_id;
    INSERT INTO contact_search(rowid, terms)
    SELECT id, terms FROM contact_search_source WHERE id = new.contact_id;
END;
CREATE TRIGGER contact_search_attribute_delete AFTER DELETE ON contact_attributes BEGIN
    DELETE FROM contact_search WHERE rowid = old.contact_id;
    INSERT INTO contact_search(rowid, terms)
    SELECT id, terms FROM contact_search_source WHERE id = old.contact_id;
END;

INSERT INTO message_search(rowid, terms) SELECT id, juttu_search_terms(body) FROM messages;
INSERT INTO contact_search(rowid, terms) SELECT id, terms FROM contact_search_source;
-- The contacts page: newest seen first.
CREATE INDEX contacts_recent ON contacts(workspace_id, last_seen DESC, id DESC);
)sql";

// Texts per language: a site's offline message and its translations (rows.cpp encodes
// them), and saved replies per language, one shortcut per language (the table rebuilt
// for its unique key; nothing references it).
constexpr const char* texts_per_language = R"sql(
ALTER TABLE sites ADD COLUMN offline_message TEXT NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN translations TEXT NOT NULL DEFAULT '';

CREATE TABLE canned_responses_rebuilt (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    shortcut     TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    team_id      INTEGER REFERENCES teams(id) ON DELETE SET NULL,
    language     TEXT NOT NULL DEFAULT '',
    UNIQUE (workspace_id, shortcut, language)
);
INSERT INTO canned_responses_rebuilt(id, workspace_id, shortcut, title, body, created_at, team_id)
SELECT id, workspace_id, shortcut, title, body, created_at, team_id FROM canned_responses;
DROP TABLE canned_responses;
ALTER TABLE canned_responses_rebuilt RENAME TO canned_responses;
)sql";

// A person may work in several workspaces: their e-mail and password move to `accounts`,
// and each agent row becomes one membership (its name, role, capacity, languages and
// teams stay per workspace). Account ids are the old agent ids, so nothing else moves.
constexpr const char* accounts = R"sql(
CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);
INSERT INTO accounts(id, email, password_hash, created_at)
SELECT id, email, password_hash, created_at FROM agents;

CREATE TABLE agents_rebuilt (
    id             INTEGER PRIMARY KEY,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    account_id     INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role = 'admin' OR role = 'agent'),
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled = 0 OR disabled = 1),
    created_at     INTEGER NOT NULL,
    capacity       INTEGER NOT NULL DEFAULT 4,
    languages      TEXT NOT NULL DEFAULT '',
    UNIQUE (account_id, workspace_id)
);
INSERT INTO agents_rebuilt(id, workspace_id, account_id, name, role, disabled, created_at,
                           capacity, languages)
SELECT id, workspace_id, id, name, role, disabled, created_at, capacity, languages FROM agents;
DROP TABLE agents;
ALTER TABLE agents_rebuilt RENAME TO agents;
CREATE UNIQUE INDEX agents_workspace_id ON agents(workspace_id, id);
-- Dropped with the old table: the read marks of a removed agent go with it.
CREATE TRIGGER agents_delete_read_marks AFTER DELETE ON agents
BEGIN
    DELETE FROM read_marks WHERE reader_kind = 'agent' AND reader_id = OLD.id;
END;
-- A person removed from their last workspace has no account left.
CREATE TRIGGER agents_delete_last_membership AFTER DELETE ON agents
WHEN NOT EXISTS (SELECT 1 FROM agents WHERE account_id = OLD.account_id)
BEGIN
    DELETE FROM accounts WHERE id = OLD.account_id;
END;
)sql";

// Verified identity (docs/identity.md): a site's two identity secrets (two, so that one
// can be rotated without a gap) and whether it requires them; a contact's external id (the
// shop's user id, one contact per workspace) and the tokens of its other browsers.
constexpr const char* verified_identity = R"sql(
ALTER TABLE sites ADD COLUMN require_verified_identity INTEGER NOT NULL DEFAULT 0
    CHECK (require_verified_identity = 0 OR require_verified_identity = 1);
CREATE TABLE site_identity_secrets (
    workspace_id  INTEGER NOT NULL,
    site_id       INTEGER NOT NULL,
    n             INTEGER NOT NULL CHECK (n = 1 OR n = 2),
    secret        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (site_id, n),
    FOREIGN KEY (workspace_id, site_id) REFERENCES sites(workspace_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

ALTER TABLE contacts ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX contacts_external_id ON contacts(workspace_id, external_id)
    WHERE external_id IS NOT NULL;
CREATE TABLE contact_tokens (
    token_hash    BLOB PRIMARY KEY,
    workspace_id  INTEGER NOT NULL,
    contact_id    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts(workspace_id, id)
        ON DELETE CASCADE
);
CREATE INDEX contact_tokens_contact ON contact_tokens(contact_id, created_at);
)sql";

constexpr std::array<Migration, 15> all_migrations{{
    {1, "initial schema", initial_schema},
    {2, "message author names", message_author_names},
    {3, "agent capacity", agent_capacity},
    {4, "canned responses", canned_responses},
    {5, "teams, routing and offline", routing_and_offline},
    {6, "active conversations index", active_conversations},
    {7, "activity indexes for closed conversations", activity_indexes_for_closed},
    {8, "messages keyed by client id", messages_keyed_by_client_id, "messages email_outbox"},
    {9, "checks as comparisons", "", "", checks_as_comparisons},
    {10, "conversation activity from messages", activity_from_messages},
    {11, "files", files_table},
    {12, "full-text search", search_index},
    {13, "texts per language", texts_per_language},
    // Agent ids stay, so the tables that refer to agents keep valid references; those
    // that refer to nothing else are checked.
    {14, "accounts in several workspaces", accounts, "agents accounts sessions"},
    {15, "verified identity", verified_identity},
}};

void rollback_quietly(Database& db) noexcept {
    try {
        if (!db.autocommit()) db.exec("ROLLBACK");
    } catch (const StoreError&) {
        // The original failure is the one worth reporting.
    }
}

// Runs `sql` when the scope ends, however it ends: a pragma set back, space given back.
// Quietly: it fails only on a broken connection, which the next statement reports.
class ExecOnExit {
public:
    ExecOnExit(Database& db, std::string_view sql) : db_(db), sql_(sql) {}
    ~ExecOnExit() {
        try {
            db_.exec(sql_);
        } catch (const StoreError&) {
            // A broken connection: the next statement reports it.
        }
    }
    ExecOnExit(const ExecOnExit&) = delete;
    ExecOnExit& operator=(const ExecOnExit&) = delete;

private:
    Database& db_;
    std::string_view sql_;
};

// Foreign keys off for the life of this object (a rebuilding migration), then on again.
// The pragma is a no-op inside a transaction: set before BEGIN and after COMMIT.
class ForeignKeysOff {
public:
    explicit ForeignKeysOff(Database& db) : on_again_(db, "PRAGMA foreign_keys=ON") {
        db.exec("PRAGMA foreign_keys=OFF");
    }

private:
    ExecOnExit on_again_;
};

// What foreign keys would have refused while they were off, in the rebuilt tables and
// those that refer to them (a dangling reference elsewhere is not this migration's).
void check_foreign_keys(Database& db, std::string_view tables) {
    std::istringstream names{std::string(tables)};
    std::size_t dangling = 0;
    std::string first;
    for (std::string table; names >> table;) {
        Statement violations = db.prepare("PRAGMA foreign_key_check(" + table + ")");
        for (; violations.step(); ++dangling) {
            if (first.empty()) {
                first = "row " + std::to_string(violations.column_int64(1)) + " of " +
                        violations.column_text(0) + " refers to a missing row of " +
                        violations.column_text(2);
            }
        }
    }
    if (dangling > 0) {
        throw StoreError("sqlite: " + std::to_string(dangling) +
                         " dangling reference(s), the first: " + first);
    }
}

void apply(Database& db, const Migration& migration) {
    db.exec(migration.sql);
    if (!migration.edits.empty()) edit_definitions(db, migration.edits);
    if (!migration.rebuilt_tables.empty()) check_foreign_keys(db, migration.rebuilt_tables);
    // The store never reads the clock for domain data; this bookkeeping timestamp comes
    // from sqlite.
    db.prepare(
          "INSERT INTO schema_migrations(version, applied_at) "
          "VALUES (?, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))")
        .bind(1, std::int64_t{migration.version})
        .run();
}

// The migrations a database at `version` has yet to apply, oldest first.
std::vector<Migration> newer_than(int version) {
    std::vector<Migration> newer;
    for (const Migration& migration : all_migrations) {
        if (migration.version > version) newer.push_back(migration);
    }
    return newer;
}

}  // namespace

// sqlite's steps: edit the text in sqlite_schema with writable_schema on, raise the
// schema version so that every connection, this one too, reads the new definitions, and
// turn writable_schema off before anything reads them: with it on, sqlite skips a
// definition it cannot parse instead of failing.
void edit_definitions(Database& db, std::span<const DefinitionEdit> edits) {
    std::int64_t version = 0;
    {
        Statement query = db.prepare("PRAGMA schema_version");
        if (query.step()) version = query.column_int64(0);
    }
    db.exec("PRAGMA writable_schema=ON");
    const ExecOnExit off_on_error(db, "PRAGMA writable_schema=OFF");
    for (const DefinitionEdit& edit : edits) {
        db.prepare(
              "UPDATE sqlite_schema SET sql = replace(sql, ?2, ?3) "
              "WHERE type = 'table' AND name = ?1 AND instr(sql, ?2) > 0")
            .bind_all(edit.table, edit.from, edit.to)
            .run();
        if (db.changes() != 1) {
            throw StoreError("sqlite: table " + std::string(edit.table) + " has no " +
                             std::string(edit.from));
        }
    }
    db.exec("PRAGMA schema_version=" + std::to_string(version + 1));
    db.exec("PRAGMA writable_schema=OFF");
    // Finds the version changed and parses every definition again: one that does not
    // parse fails here ("malformed database schema"), inside the caller's transaction.
    db.prepare("SELECT COUNT(*) FROM sqlite_schema").run();
}

std::span<const Migration> migrations() { return all_migrations; }

int schema_version(Database& db) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    Statement query = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    query.step();
    return static_cast<int>(query.column_int64(0));
}

std::vector<Migration> pending_migrations(Database& db) { return newer_than(schema_version(db)); }

int apply_migrations(Database& db) {
    int current = schema_version(db);
    int latest = all_migrations.back().version;
    if (current > latest) {
        throw StoreError("sqlite: database schema version " + std::to_string(current) +
                         " is newer than this build (" + std::to_string(latest) + ")");
    }
    // A rebuild wrote the whole table to the WAL: give that space back once the
    // migrations are done, or one has failed, while this connection is the only one.
    std::optional<ExecOnExit> give_back_wal;
    int applied = 0;
    for (const Migration& migration : newer_than(current)) {
        std::optional<ForeignKeysOff> keys_off;
        try {
            if (!migration.rebuilt_tables.empty()) keys_off.emplace(db);
            // IMMEDIATE: a second process migrating at the same time waits here
            // instead of failing half-way through.
            db.exec("BEGIN IMMEDIATE");
            // Re-check inside the lock: the other process may have applied it.
            if (schema_version(db) >= migration.version) {
                db.exec("COMMIT");
                continue;
            }
            apply(db, migration);
            db.exec("COMMIT");
            ++applied;
            if (!migration.rebuilt_tables.empty() && !give_back_wal) {
                give_back_wal.emplace(db, "PRAGMA wal_checkpoint(TRUNCATE)");
            }
        } catch (const StoreError& error) {
            rollback_quietly(db);
            throw StoreError("sqlite: migration " + std::to_string(migration.version) + " (" +
                             std::string(migration.name) + ") failed: " + error.what());
        } catch (...) {
            rollback_quietly(db);
            throw;
        }
    }
    return applied;
}

}  // namespace juttu::store::sqlite
