#include "store/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <string_view>
#include <tuple>
#include <utility>

#include "core/business_hours_text.hpp"
#include "core/validation.hpp"
#include "core/visits.hpp"
#include "store/sqlite/conversation_listing.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_files.hpp"

namespace juttu::store::sqlite {

namespace {

using core::AuthorKind;
using core::ConversationStatus;

// Idle read connections kept open; more may exist while many threads read at once.
constexpr std::size_t max_idle_readers = 16;
// How long probe_writable waits for its commit before calling the store unwritable.
constexpr auto probe_timeout = std::chrono::seconds(5);

// A consistent snapshot for reads that take more than one statement. Declare it
// before the statements so they are reset before it ends.
class ReadTransaction {
public:
    explicit ReadTransaction(Database& db) : db_(db) { db_.prepare("BEGIN").run(); }
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;
    ~ReadTransaction() {
        try {
            db_.prepare("ROLLBACK").run();
        } catch (const StoreError&) {
            // The pool discards a connection still inside a transaction.
        }
    }

private:
    Database& db_;
};

std::string error_text(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown error";
    }
}

// --- Queries shared by reads and writer jobs ---

std::map<std::string, std::string> load_attributes(Database& db, Id contact_id) {
    std::map<std::string, std::string> attributes;
    Statement query = db.prepare("SELECT key, value FROM contact_attributes WHERE contact_id = ?");
    query.bind(1, contact_id);
    while (query.step()) attributes.emplace(query.column_text(0), query.column_text(1));
    return attributes;
}

std::optional<core::Contact> load_contact_by_token(Database& db, Id workspace_id,
                                                   const std::string& token_hash) {
    // A verified contact's other browsers have their tokens in contact_tokens.
    static const std::string sql =
        "SELECT " + contact_columns +
        " FROM contacts ct WHERE ct.workspace_id = ?1 AND (ct.token_hash = ?2 OR ct.id = "
        "(SELECT t.contact_id FROM contact_tokens t WHERE t.token_hash = ?2 AND "
        "t.workspace_id = ?1))";
    std::optional<core::Contact> contact;
    {
        Statement query = db.prepare(sql);
        query.bind(1, workspace_id).bind_blob(2, token_hash);
        if (query.step()) contact = read_contact(query);
    }
    if (contact) contact->attributes = load_attributes(db, contact->id);
    return contact;
}

std::optional<core::Conversation> load_active_conversation(Database& db, Id workspace_id,
                                                           Id site_id, Id contact_id) {
    // A contact has one active conversation on a site, rarely more: the most recent wins.
    // Picked here rather than by ORDER BY, which would cost a temporary b-tree per message.
    static const std::string sql = "SELECT " + conversation_columns +
                                   " FROM conversations c INDEXED BY conversations_active" +
                                   last_message_join +
                                   " WHERE c.contact_id = ? AND c.site_id = ? AND "
                                   "c.status IN ('open', 'pending') AND c.workspace_id = ?";
    Statement query = db.prepare(sql);
    query.bind_all(contact_id, site_id, workspace_id);
    std::optional<core::Conversation> latest;
    while (query.step()) {
        auto found = read_conversation(query);
        if (!latest ||
            std::tie(found.updated_at, found.id) > std::tie(latest->updated_at, latest->id)) {
            latest = std::move(found);
        }
    }
    return latest;
}

// The conversation's last_seq and the reader's mark; nullopt when the conversation is
// not in the workspace.
struct MarkState {
    Seq last_seq = 0;
    std::optional<Seq> mark;
};

std::optional<MarkState> load_mark_state(Database& db, Id workspace_id,
                                         const core::ReadMark& mark) {
    static const std::string sql =
        "SELECT COALESCE(lm.seq, 0), r.seq FROM conversations c" + last_message_join +
        " LEFT JOIN read_marks r ON r.conversation_id = c.id AND r.reader_kind = ? AND "
        "r.reader_id = ? WHERE c.id = ? AND c.workspace_id = ?";
    Statement query = db.prepare(sql);
    query.bind_all(core::to_string(mark.reader_kind), mark.reader_id, mark.conversation_id,
                   workspace_id);
    if (!query.step()) return std::nullopt;
    return MarkState{query.column_int64(0), query.column_optional_int64(1)};
}

AppendResult status_only(AppendResult::Status status) {
    AppendResult result;
    result.status = status;
    return result;
}

AppendResult failed_result(const std::exception_ptr& error) {
    AppendResult result;
    result.status = AppendResult::Status::failed;
    result.error = error_text(error);
    return result;
}

// The team when it is one of the workspace's.
std::optional<Id> team_of(Database& db, Id workspace_id, std::optional<Id> team_id) {
    if (!team_id) return std::nullopt;
    Statement query = db.prepare("SELECT id FROM teams WHERE id = ? AND workspace_id = ?");
    query.bind_all(*team_id, workspace_id);
    if (!query.step()) return std::nullopt;
    return team_id;
}

void queue_email(Database& db, Id workspace_id, Id message_id, TimeMs now) {
    db.prepare(
          "INSERT INTO email_outbox(workspace_id, message_id, next_attempt_at, created_at) "
          "VALUES (?, ?, ?, ?)")
        .bind_all(workspace_id, message_id, now, now)
        .run();
}

// The message an author already sent with this client id, as a duplicate's result.
std::optional<AppendResult> find_sent(Database& db, const NewMessage& input) {
    static const std::string sql = "SELECT " + message_columns + ", " + conversation_columns +
                                   " FROM messages m JOIN conversations c ON "
                                   "c.id = m.conversation_id" +
                                   last_message_join +
                                   " WHERE m.author_kind = ? AND "
                                   "m.author_id IS ? AND m.client_id = ? AND "
                                   "c.workspace_id = ?";
    Statement query = db.prepare(sql);
    query.bind_all(core::to_string(input.author_kind), input.author_id, input.client_id,
                   input.workspace_id);
    if (!query.step()) return std::nullopt;
    AppendResult result = status_only(AppendResult::Status::duplicate);
    result.message = read_message(query);
    result.conversation = read_conversation(query, message_column_count);
    std::vector<core::Message> sent{std::move(result.message)};
    load_attachments(db, sent);
    result.message = std::move(sent.front());
    return result;
}

// The whole append, as one writer job.
AppendResult append_in(Database& db, const NewMessage& input) {
    using Status = AppendResult::Status;
    std::string_view author_kind = core::to_string(input.author_kind);

    // A retried send returns what the first one stored, wherever that conversation is now.
    // Most sends are not retries: the messages table's UNIQUE (client_id, author_kind,
    // author_id) finds those when the message is inserted, at no extra cost. Looked up
    // beforehand only where that cannot (without an author) and before the append would
    // change or refuse a conversation.
    const auto retried = [&]() -> std::optional<AppendResult> {
        if (input.client_id.empty()) return std::nullopt;
        return find_sent(db, input);
    };
    if (!input.author_id || !input.attachment_ids.empty()) {
        if (auto sent = retried()) return std::move(*sent);
    }
    if (auto problem = attachment_problem(db, input)) {
        AppendResult refused = status_only(Status::bad_attachment);
        refused.error = std::move(*problem);
        return refused;
    }

    AppendResult result = status_only(Status::stored);
    std::optional<core::Conversation> conversation;
    if (input.conversation_id) {
        conversation = load_conversation(db, input.workspace_id, *input.conversation_id);
        if (!conversation) return status_only(Status::no_conversation);
        if (conversation->status == ConversationStatus::closed) {
            if (auto sent = retried()) return std::move(*sent);
            AppendResult closed = status_only(Status::closed);
            closed.conversation = *conversation;
            return closed;
        }
    } else if (input.author_kind == AuthorKind::visitor) {
        conversation =
            load_active_conversation(db, input.workspace_id, input.site_id, input.contact_id);
        if (!conversation) {
            if (auto sent = retried()) return std::move(*sent);
            if (!input.may_create_conversation) return status_only(Status::not_created);
            Statement owned = db.prepare(
                "SELECT EXISTS (SELECT 1 FROM sites WHERE id = ?1 AND workspace_id = ?3) AND "
                "EXISTS (SELECT 1 FROM contacts WHERE id = ?2 AND workspace_id = ?3)");
            owned.bind_all(input.site_id, input.contact_id, input.workspace_id);
            if (!owned.step() || owned.column_int64(0) == 0) {
                return status_only(Status::no_conversation);
            }
            const auto team_id = team_of(db, input.workspace_id, input.team_id);
            db.prepare(
                  "INSERT INTO conversations(workspace_id, site_id, contact_id, status, "
                  "created_at, updated_at, channel, team_id) VALUES (?, ?, ?, 'open', ?, ?, ?, ?)")
                .bind_all(input.workspace_id, input.site_id, input.contact_id, input.at, input.at,
                          core::to_string(input.channel), team_id)
                .run();
            core::Conversation created;
            created.id = db.last_insert_rowid();
            created.channel = input.channel;
            created.team_id = team_id;
            created.workspace_id = input.workspace_id;
            created.site_id = input.site_id;
            created.contact_id = input.contact_id;
            created.status = ConversationStatus::open;
            created.created_at = input.at;
            created.updated_at = input.at;
            conversation = std::move(created);
            result.conversation_created = true;
        } else if (input.channel == core::Channel::offline &&
                   conversation->channel != core::Channel::offline) {
            // A message left with the offline form: the replies go by e-mail from now on.
            if (auto sent = retried()) return std::move(*sent);
            conversation->channel = core::Channel::offline;
            db.prepare("UPDATE conversations SET channel = 'offline' WHERE id = ?")
                .bind(1, conversation->id)
                .run();
        }
    } else {
        // Agents and the system must name the conversation.
        return status_only(Status::no_conversation);
    }

    core::Message& message = result.message;
    message.conversation_id = conversation->id;
    message.seq = conversation->last_seq + 1;
    message.client_id = input.client_id;
    message.author_kind = input.author_kind;
    message.author_id = input.author_id;
    message.author_name = input.author_name;
    message.body = input.body;
    // Callers stamp messages before they queue, so stamps can arrive out of order: a
    // message is never stamped before the one it follows, and its conversation's last
    // message time (read from it) never moves backwards.
    message.created_at = std::max(input.at, conversation->last_message_at);
    db.prepare(
          "INSERT INTO messages(conversation_id, seq, client_id, author_kind, author_id, "
          "author_name, body, created_at) VALUES (?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?) "
          "ON CONFLICT (client_id, author_kind, author_id) DO NOTHING")
        .bind_all(message.conversation_id, message.seq, message.client_id, author_kind,
                  message.author_id, message.author_name, message.body, message.created_at)
        .run();
    if (db.changes() == 0) {
        // A retry (nothing else was written yet: the conversation was loaded, not created).
        if (auto sent = retried()) return std::move(*sent);
        throw StoreError("sqlite: a message with this client id is in another workspace");
    }
    message.id = db.last_insert_rowid();
    if (!input.attachment_ids.empty()) {
        attach_files(db, input, message);
        std::vector<core::Message> attached{std::move(message)};
        load_attachments(db, attached);
        message = std::move(attached.front());
    }

    // What the message changes in its conversation is read from the message itself
    // (rows.hpp): the conversation's row is written only for its first answer.
    conversation->last_seq = message.seq;
    conversation->last_message_preview = preview_of(input.body);
    conversation->last_message_at = message.created_at;
    conversation->updated_at = std::max(conversation->updated_at, message.created_at);
    if (input.author_kind == AuthorKind::agent && !conversation->first_response_at) {
        conversation->first_response_at = message.created_at;
        db.prepare("UPDATE conversations SET first_response_at = ? WHERE id = ?")
            .bind_all(message.created_at, conversation->id)
            .run();
    }
    if (input.author_kind == AuthorKind::agent && conversation->channel == core::Channel::offline) {
        queue_email(db, input.workspace_id, message.id, input.at);
    }
    result.conversation = std::move(*conversation);
    return result;
}

// Stores a page view of the workspace's contact; the view with its id (0 when the contact
// is not the workspace's). Running it again after a rollback stores it once.
core::PageView add_page_view_in(Database& db, const core::PageView& view) {
    db.prepare(
          "INSERT INTO page_views(workspace_id, contact_id, url, title, referrer, at) "
          "SELECT ct.workspace_id, ct.id, ?, ?, ?, ? FROM contacts ct "
          "WHERE ct.id = ? AND ct.workspace_id = ?")
        .bind_all(view.url, view.title, view.referrer, view.at, view.contact_id, view.workspace_id)
        .run();
    core::PageView stored = view;
    stored.id = db.changes() > 0 ? db.last_insert_rowid() : 0;
    if (stored.id != 0) {
        // A page view keeps the visit going (core::starts_new_visit).
        db.prepare("UPDATE contacts SET last_seen = MAX(last_seen, ?) WHERE id = ?")
            .bind_all(view.at, view.contact_id)
            .run();
        // A bounded recent history: a script's thousands of views keep only the newest.
        db.prepare(
              "DELETE FROM page_views WHERE id IN (SELECT id FROM page_views WHERE contact_id = ? "
              "ORDER BY at DESC, id DESC LIMIT -1 OFFSET ?)")
            .bind_all(view.contact_id, static_cast<std::int64_t>(core::limits::page_views_kept))
            .run();
    }
    return stored;
}

// What a read mark comes to: the mark to store, or the answer when there is nothing to
// write (0 when the conversation is not the workspace's, else the mark already as high).
struct MarkPlan {
    Seq target = 0;
    std::optional<Seq> answer;
};

MarkPlan plan_read_mark(Database& db, Id workspace_id, const core::ReadMark& mark) {
    std::optional<MarkState> state = load_mark_state(db, workspace_id, mark);
    if (!state) return MarkPlan{0, 0};
    Seq target = std::clamp<Seq>(mark.seq, 0, state->last_seq);
    if (state->mark.value_or(0) >= target) return MarkPlan{target, state->mark.value_or(0)};
    return MarkPlan{target, std::nullopt};
}

// Raises the reader's mark; the mark now stored (0 when the conversation is not the
// workspace's). Plans again on the writer: the conversation may have moved on since.
Seq set_read_mark_in(Database& db, Id workspace_id, const core::ReadMark& mark) {
    const MarkPlan plan = plan_read_mark(db, workspace_id, mark);
    if (plan.answer) return *plan.answer;
    const Seq target = plan.target;
    db.prepare(
          "INSERT INTO read_marks(conversation_id, reader_kind, reader_id, seq) "
          "VALUES (?, ?, ?, ?) ON CONFLICT(conversation_id, reader_kind, reader_id) "
          "DO UPDATE SET seq = MAX(seq, excluded.seq)")
        .bind_all(mark.conversation_id, core::to_string(mark.reader_kind), mark.reader_id, target)
        .run();
    return target;
}

// A first visit's contact on the workspace's site. Selecting from sites keeps the insert
// inside the workspace; a token that already exists (two first visits racing) keeps its
// contact.
void insert_contact(Database& db, Id workspace_id, Id site_id, const std::string& token_hash,
                    TimeMs now) {
    db.prepare(
          "INSERT INTO contacts(workspace_id, site_id, token_hash, first_seen, last_seen, "
          "visits) SELECT ?1, s.id, ?3, ?4, ?4, 1 FROM sites s "
          "WHERE s.id = ?2 AND s.workspace_id = ?1 "
          "ON CONFLICT(workspace_id, token_hash) DO NOTHING")
        .bind(1, workspace_id)
        .bind(2, site_id)
        .bind_blob(3, token_hash)
        .bind(4, now)
        .run();
}

// Runs compute(db) as a writer job without blocking the caller: done(its result) after
// the commit, done(failed(error)) when the job, its commit or the submission failed.
template <class Result, class Compute, class Failed>
void write_async(Writer& writer, Compute compute, std::function<void(Result)> done, Failed failed) {
    // Shared so that `done` is still ours to call if submit() refuses the job.
    auto callback = std::make_shared<std::function<void(Result)>>(std::move(done));
    auto result = std::make_shared<Result>();
    try {
        writer.submit(
            [compute = std::move(compute), result](Database& db) { *result = compute(db); },
            [callback, result, failed](std::exception_ptr error) {
                (*callback)(error ? failed(error) : std::move(*result));
            });
    } catch (...) {
        try {
            (*callback)(failed(std::current_exception()));
        } catch (...) {
            // `done` must not throw; the caller must not see it either.
        }
    }
}

// The writer's options, with the search index of each transaction's messages written
// just before its COMMIT (message_indexer.hpp).
Writer::Options with_indexer(Writer::Options options, MessageIndexer& indexer) {
    options.on_begin = [&indexer] { indexer.begun(); };
    options.before_commit = [&indexer](Database& db) { indexer.index(db); };
    return options;
}

// The agent row of agent.account_id in agent.workspace_id; returns its id.
Id insert_membership(Database& db, const core::Agent& agent) {
    db.prepare(
          "INSERT INTO agents(workspace_id, account_id, name, role, disabled, created_at, "
          "capacity, languages) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind_all(agent.workspace_id, agent.account_id, agent.name, core::to_string(agent.role),
                  std::int64_t{agent.disabled}, agent.created_at, std::int64_t{agent.capacity},
                  join(agent.languages, ','))
        .run();
    return db.last_insert_rowid();
}

}  // namespace

// --- Lifetime and connections ---

std::unique_ptr<SqliteStore> SqliteStore::open(const std::filesystem::path& file,
                                               Writer::Options writer) {
    std::unique_ptr<Database> db = Database::open(file, Database::Mode::writer);
    apply_migrations(*db);
    auto checkpointer = std::make_unique<Checkpointer>(file);
    checkpointer->watch(*db);
    // The checkpointer outlives the writer (a member declared before it).
    writer.between_batches = [tails = checkpointer.get()](Database& write_db) {
        tails->copy_tail(write_db);
    };
    return std::unique_ptr<SqliteStore>(
        new SqliteStore(file, std::move(db), std::move(checkpointer), writer));
}

SqliteStore::SqliteStore(std::filesystem::path file, std::unique_ptr<Database> write_db,
                         std::unique_ptr<Checkpointer> checkpointer, Writer::Options writer)
    : file_(std::move(file)),
      checkpointer_(std::move(checkpointer)),
      writer_(std::move(write_db), with_indexer(std::move(writer), indexer_)) {}

SqliteStore::~SqliteStore() { writer_.stop(); }

SqliteStore::ReadLease SqliteStore::read() {
    std::unique_ptr<Database> db;
    {
        std::lock_guard lock(pool_mutex_);
        if (!idle_readers_.empty()) {
            db = std::move(idle_readers_.back());
            idle_readers_.pop_back();
        }
    }
    if (!db) db = Database::open(file_, Database::Mode::read_only);
    return ReadLease(*this, std::move(db));
}

void SqliteStore::release(std::unique_ptr<Database> db) noexcept {
    // A connection left inside a transaction would pin an old snapshot: drop it.
    if (!db || !db->autocommit()) return;
    std::lock_guard lock(pool_mutex_);
    if (idle_readers_.size() < max_idle_readers) idle_readers_.push_back(std::move(db));
}

// --- Workspaces ---

core::Workspace SqliteStore::create_workspace(const std::string& name, TimeMs now) {
    return writer_.run([&](Database& db) {
        db.prepare("INSERT INTO workspaces(name, created_at) VALUES (?, ?)")
            .bind_all(name, now)
            .run();
        return core::Workspace{db.last_insert_rowid(), name, now};
    });
}

std::optional<core::Workspace> SqliteStore::find_workspace(Id id) {
    static const std::string sql =
        "SELECT " + workspace_columns + " FROM workspaces w WHERE w.id = ?";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return read_workspace(query);
}

std::optional<core::Workspace> SqliteStore::find_workspace_by_name(const std::string& name) {
    static const std::string sql =
        "SELECT " + workspace_columns + " FROM workspaces w WHERE w.name = ?";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind(1, name);
    if (!query.step()) return std::nullopt;
    return read_workspace(query);
}

std::optional<Membership> SqliteStore::create_workspace_for(const std::string& name,
                                                            const core::Agent& admin, TimeMs now) {
    return writer_.run([&](Database& db) -> std::optional<Membership> {
        Membership made{core::Workspace{0, name, now}, admin};
        try {
            db.prepare("INSERT INTO workspaces(name, created_at) VALUES (?, ?)")
                .bind_all(name, now)
                .run();
        } catch (const SqliteError& error) {
            if (is_unique_violation(error)) return std::nullopt;
            throw;
        }
        made.workspace.id = db.last_insert_rowid();
        core::Agent& agent = made.agent;
        agent.workspace_id = made.workspace.id;
        agent.role = core::Role::admin;
        agent.disabled = false;
        agent.created_at = now;
        agent.team_ids.clear();
        agent.id = insert_membership(db, agent);
        return made;
    });
}

bool SqliteStore::has_workspaces() {
    auto db = read();
    Statement query = db->prepare("SELECT EXISTS (SELECT 1 FROM workspaces)");
    return query.step() && query.column_int64(0) != 0;
}

// --- Sites ---

core::Site SqliteStore::create_site(const core::Site& site) {
    return writer_.run([&](Database& db) {
        db.prepare(
              "INSERT INTO sites(workspace_id, key, name, allowed_origins, greeting, color, "
              "created_at, routing, time_zone, always_open, schedule, prechat, offline_message, "
              "translations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind_all(site.workspace_id, site.key, site.name, join(site.allowed_origins, '\n'),
                      site.greeting, site.color, site.created_at, core::to_string(site.routing),
                      site.hours.time_zone, std::int64_t{site.hours.always_open},
                      core::encode_schedule(site.hours), encode_prechat(site.prechat),
                      site.offline_message, encode_translations(site.translations))
            .run();
        core::Site created = site;
        created.id = db.last_insert_rowid();
        return created;
    });
}

std::optional<core::Site> SqliteStore::find_site(Id workspace_id, Id site_id) {
    static const std::string sql =
        "SELECT " + site_columns + " FROM sites s WHERE s.id = ? AND s.workspace_id = ?";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind_all(site_id, workspace_id);
    if (!query.step()) return std::nullopt;
    return read_site(query);
}

std::optional<core::Site> SqliteStore::find_site_by_key(const std::string& key) {
    static const std::string sql = "SELECT " + site_columns + " FROM sites s WHERE s.key = ?";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind(1, key);
    if (!query.step()) return std::nullopt;
    return read_site(query);
}

std::vector<core::Site> SqliteStore::list_sites(Id workspace_id) {
    static const std::string sql =
        "SELECT " + site_columns + " FROM sites s WHERE s.workspace_id = ? ORDER BY s.id";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind(1, workspace_id);
    std::vector<core::Site> sites;
    while (query.step()) sites.push_back(read_site(query));
    return sites;
}

bool SqliteStore::update_site(const core::Site& site) {
    return writer_.run([&](Database& db) {
        db.prepare(
              "UPDATE sites SET name = ?, allowed_origins = ?, greeting = ?, color = ?, "
              "routing = ?, time_zone = ?, always_open = ?, schedule = ?, prechat = ?, "
              "offline_message = ?, translations = ?, require_verified_identity = ? "
              "WHERE id = ? AND workspace_id = ?")
            .bind_all(site.name, join(site.allowed_origins, '\n'), site.greeting, site.color,
                      core::to_string(site.routing), site.hours.time_zone,
                      std::int64_t{site.hours.always_open}, core::encode_schedule(site.hours),
                      encode_prechat(site.prechat), site.offline_message,
                      encode_translations(site.translations),
                      std::int64_t{site.require_verified_identity}, site.id, site.workspace_id)
            .run();
        return db.changes() > 0;
    });
}

// --- Canned responses ---

std::optional<core::CannedResponse> SqliteStore::create_canned_response(
    const core::CannedResponse& response) {
    return writer_.run([&](Database& db) -> std::optional<core::CannedResponse> {
        try {
            db.prepare(
                  "INSERT INTO canned_responses(workspace_id, shortcut, title, body, created_at, "
                  "team_id, language) VALUES (?1, ?2, ?3, ?4, ?5, "
                  "(SELECT id FROM teams WHERE id = ?6 AND workspace_id = ?1), ?7)")
                .bind_all(response.workspace_id, response.shortcut, response.title, response.body,
                          response.created_at, response.team_id, response.language)
                .run();
        } catch (const SqliteError& error) {
            if (is_unique_violation(error)) return std::nullopt;
            throw;
        }
        core::CannedResponse created = response;
        created.id = db.last_insert_rowid();
        return created;
    });
}

std::vector<core::CannedResponse> SqliteStore::list_canned_responses(Id workspace_id) {
    static const std::string sql = "SELECT " + canned_columns +
                                   " FROM canned_responses c WHERE c.workspace_id = ? "
                                   "ORDER BY c.shortcut, c.language";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind(1, workspace_id);
    std::vector<core::CannedResponse> responses;
    while (query.step()) responses.push_back(read_canned(query));
    return responses;
}

std::optional<core::CannedResponse> SqliteStore::find_canned_response(Id workspace_id, Id id) {
    static const std::string sql = "SELECT " + canned_columns +
                                   " FROM canned_responses c WHERE c.id = ? AND c.workspace_id = ?";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind_all(id, workspace_id);
    if (!query.step()) return std::nullopt;
    return read_canned(query);
}

bool SqliteStore::update_canned_response(const core::CannedResponse& response) {
    return writer_.run([&](Database& db) {
        try {
            db.prepare(
                  "UPDATE canned_responses SET shortcut = ?1, title = ?2, body = ?3, "
                  "team_id = (SELECT id FROM teams WHERE id = ?6 AND workspace_id = ?5), "
                  "language = ?7 WHERE id = ?4 AND workspace_id = ?5")
                .bind_all(response.shortcut, response.title, response.body, response.id,
                          response.workspace_id, response.team_id, response.language)
                .run();
        } catch (const SqliteError& error) {
            if (is_unique_violation(error)) return false;
            throw;
        }
        return db.changes() > 0;
    });
}

bool SqliteStore::delete_canned_response(Id workspace_id, Id id) {
    return writer_.run([&](Database& db) {
        db.prepare("DELETE FROM canned_responses WHERE id = ? AND workspace_id = ?")
            .bind_all(id, workspace_id)
            .run();
        return db.changes() > 0;
    });
}

std::optional<core::IdentitySecret> SqliteStore::add_identity_secret(Id workspace_id, Id site_id,
                                                                     const std::string& secret,
                                                                     TimeMs now) {
    return writer_.run([&](Database& db) -> std::optional<core::IdentitySecret> {
        // The first free slot, in the same write as the insert: two admins adding at
        // once never share one.
        Statement free_slot = db.prepare(
            "SELECT n FROM (SELECT 1 AS n UNION ALL SELECT 2) WHERE EXISTS (SELECT 1 FROM sites "
            "WHERE id = ?1 AND workspace_id = ?2) AND n NOT IN (SELECT n FROM "
            "site_identity_secrets WHERE site_id = ?1) ORDER BY n LIMIT 1");
        free_slot.bind_all(site_id, workspace_id);
        if (!free_slot.step()) return std::nullopt;
        core::IdentitySecret made{static_cast<int>(free_slot.column_int64(0)), secret, now};
        db.prepare(
              "INSERT INTO site_identity_secrets(workspace_id, site_id, n, secret, created_at) "
              "VALUES (?, ?, ?, ?, ?)")
            .bind_all(workspace_id, site_id, std::int64_t{made.n}, secret, now)
            .run();
        return made;
    });
}

bool SqliteStore::remove_identity_secret(Id workspace_id, Id site_id, int n) {
    return writer_.run([&](Database& db) {
        db.prepare(
              "DELETE FROM site_identity_secrets WHERE workspace_id = ? AND site_id = ? AND n = ?")
            .bind_all(workspace_id, site_id, std::int64_t{n})
            .run();
        return db.changes() > 0;
    });
}

bool SqliteStore::delete_site(Id workspace_id, Id site_id) {
    return writer_.run([&](Database& db) {
        db.prepare("DELETE FROM sites WHERE id = ? AND workspace_id = ?")
            .bind_all(site_id, workspace_id)
            .run();
        return db.changes() > 0;
    });
}

// --- Agents ---

std::optional<core::Agent> SqliteStore::create_agent(const core::Agent& agent,
                                                     const std::string& password_hash) {
    return writer_.run([&](Database& db) -> std::optional<core::Agent> {
        core::Agent created = agent;
        try {
            db.prepare("INSERT INTO accounts(email, password_hash, created_at) VALUES (?, ?, ?)")
                .bind_all(agent.email, password_hash, agent.created_at)
                .run();
        } catch (const SqliteError& error) {
            if (is_unique_violation(error)) return std::nullopt;
            throw;
        }
        created.account_id = db.last_insert_rowid();
        created.id = insert_membership(db, created);
        created.team_ids.clear();
        return created;
    });
}

std::optional<core::Agent> SqliteStore::add_membership(const core::Agent& agent) {
    return writer_.run([&](Database& db) -> std::optional<core::Agent> {
        core::Agent added = agent;
        try {
            added.id = insert_membership(db, added);
        } catch (const SqliteError& error) {
            if (is_unique_violation(error)) return std::nullopt;
            throw;
        }
        added.team_ids.clear();
        return added;
    });
}

std::optional<core::Agent> SqliteStore::find_agent(Id workspace_id, Id agent_id) {
    static const std::string sql = "SELECT " + agent_columns + " FROM " + agent_source +
                                   " WHERE a.id = ? AND a.workspace_id = ?";
    auto db = read();
    std::vector<core::Agent> agents;
    {
        Statement query = db->prepare(sql);
        query.bind_all(agent_id, workspace_id);
        if (!query.step()) return std::nullopt;
        agents.push_back(read_agent(query));
    }
    load_team_ids(*db, workspace_id, agents);
    return agents.front();
}

std::optional<AgentCredentials> SqliteStore::find_agent_by_email(const std::string& email) {
    // The column's NOCASE collation makes the match case-insensitive.
    static const std::string sql = "SELECT " + agent_columns + ", p.password_hash FROM " +
                                   agent_source + " WHERE p.email = ? ORDER BY a.id LIMIT 1";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind(1, email);
    if (!query.step()) return std::nullopt;
    return AgentCredentials{read_agent(query), query.column_text(agent_column_count)};
}

std::vector<Membership> SqliteStore::list_memberships(Id account_id) {
    static const std::string sql = "SELECT " + agent_columns + ", " + workspace_columns + " FROM " +
                                   agent_source +
                                   " JOIN workspaces w ON w.id = a.workspace_id "
                                   "WHERE a.account_id = ? ORDER BY a.id";
    auto db = read();
    std::vector<Membership> memberships;
    Statement query = db->prepare(sql);
    query.bind(1, account_id);
    while (query.step()) {
        memberships.push_back({read_workspace(query, agent_column_count), read_agent(query)});
    }
    return memberships;
}

std::vector<core::Agent> SqliteStore::list_agents(Id workspace_id) {
    static const std::string sql = "SELECT " + agent_columns + " FROM " + agent_source +
                                   " WHERE a.workspace_id = ? ORDER BY a.id";
    auto db = read();
    std::vector<core::Agent> agents;
    {
        Statement query = db->prepare(sql);
        query.bind(1, workspace_id);
        while (query.step()) agents.push_back(read_agent(query));
    }
    load_team_ids(*db, workspace_id, agents);
    return agents;
}

bool SqliteStore::update_agent(const core::Agent& agent) {
    return writer_.run([&](Database& db) {
        try {
            if (!agent.email.empty()) {
                // The e-mail is the account's, for all its memberships.
                db.prepare(
                      "UPDATE accounts SET email = ? WHERE id = (SELECT account_id FROM agents "
                      "WHERE id = ? AND workspace_id = ?)")
                    .bind_all(agent.email, agent.id, agent.workspace_id)
                    .run();
            }
            db.prepare(
                  "UPDATE agents SET name = ?, role = ?, disabled = ?, capacity = ?, "
                  "languages = ? WHERE id = ? AND workspace_id = ?")
                .bind_all(agent.name, core::to_string(agent.role), std::int64_t{agent.disabled},
                          std::int64_t{agent.capacity}, join(agent.languages, ','), agent.id,
                          agent.workspace_id)
                .run();
        } catch (const SqliteError& error) {
            if (is_unique_violation(error)) return false;
            throw;
        }
        return db.changes() > 0;
    });
}

bool SqliteStore::set_agent_password(Id workspace_id, Id agent_id,
                                     const std::string& password_hash) {
    return writer_.run([&](Database& db) {
        db.prepare(
              "UPDATE accounts SET password_hash = ? WHERE id = (SELECT account_id FROM agents "
              "WHERE id = ? AND workspace_id = ?)")
            .bind_all(password_hash, agent_id, workspace_id)
            .run();
        return db.changes() > 0;
    });
}

bool SqliteStore::delete_agent(Id workspace_id, Id agent_id) {
    return writer_.run([&](Database& db) {
        db.prepare("DELETE FROM agents WHERE id = ? AND workspace_id = ?")
            .bind_all(agent_id, workspace_id)
            .run();
        return db.changes() > 0;
    });
}

// --- Sessions ---

Id SqliteStore::create_session(Id agent_id, const std::string& token_hash, TimeMs now,
                               TimeMs expires_at) {
    return writer_.run([&](Database& db) {
        db.prepare(
              "INSERT INTO sessions(agent_id, token_hash, created_at, expires_at) "
              "VALUES (?, ?, ?, ?)")
            .bind(1, agent_id)
            .bind_blob(2, token_hash)
            .bind(3, now)
            .bind(4, expires_at)
            .run();
        return db.last_insert_rowid();
    });
}

std::optional<SessionInfo> SqliteStore::find_session(const std::string& token_hash, TimeMs now) {
    static const std::string sql = "SELECT s.id, s.expires_at, " + agent_columns + " FROM " +
                                   agent_source +
                                   " JOIN sessions s ON s.agent_id = a.id "
                                   "WHERE s.token_hash = ? AND s.expires_at > ? AND "
                                   "a.disabled = 0";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind_blob(1, token_hash).bind(2, now);
    if (!query.step()) return std::nullopt;
    return SessionInfo{query.column_int64(0), read_agent(query, 2), query.column_int64(1)};
}

bool SqliteStore::delete_session(Id session_id) {
    return writer_.run([&](Database& db) {
        db.prepare("DELETE FROM sessions WHERE id = ?").bind(1, session_id).run();
        return db.changes() > 0;
    });
}

// Runs a DELETE ... RETURNING id of sessions, bound to (owner, keep); the ids ascending.
std::vector<Id> SqliteStore::delete_sessions(const char* sql, Id owner, std::optional<Id> keep) {
    return writer_.run([&](Database& db) {
        Statement statement = db.prepare(sql);
        statement.bind_all(owner, keep);
        std::vector<Id> deleted;
        while (statement.step()) deleted.push_back(statement.column_int64(0));
        std::sort(deleted.begin(), deleted.end());
        return deleted;
    });
}

std::vector<Id> SqliteStore::delete_agent_sessions(Id agent_id, std::optional<Id> keep) {
    return delete_sessions("DELETE FROM sessions WHERE agent_id = ? AND id IS NOT ? RETURNING id",
                           agent_id, keep);
}

std::vector<Id> SqliteStore::delete_account_sessions(Id account_id, std::optional<Id> keep) {
    return delete_sessions(
        "DELETE FROM sessions WHERE agent_id IN (SELECT id FROM agents WHERE account_id = ?) "
        "AND id IS NOT ? RETURNING id",
        account_id, keep);
}

std::vector<Id> SqliteStore::live_sessions(const std::vector<Id>& session_ids, TimeMs now) {
    const std::string ids = json_ids(session_ids);
    auto db = read();
    Statement query = db->prepare(
        "SELECT s.id FROM sessions s JOIN agents a ON a.id = s.agent_id "
        "WHERE s.id IN (SELECT value FROM json_each(?)) AND s.expires_at > ? AND "
        "a.disabled = 0 ORDER BY s.id");
    query.bind(1, std::string_view(ids)).bind(2, now);
    std::vector<Id> live;
    while (query.step()) live.push_back(query.column_int64(0));
    return live;
}

// --- Contacts ---

core::Contact SqliteStore::create_contact(Id workspace_id, Id site_id,
                                          const std::string& token_hash, TimeMs now) {
    return writer_.run([&](Database& db) {
        insert_contact(db, workspace_id, site_id, token_hash, now);
        return load_contact_by_token(db, workspace_id, token_hash).value_or(core::Contact{});
    });
}

std::optional<core::Contact> SqliteStore::find_contact_by_token(Id workspace_id,
                                                                const std::string& token_hash) {
    auto db = read();
    ReadTransaction transaction(*db);
    return load_contact_by_token(*db, workspace_id, token_hash);
}

namespace {

std::optional<core::Contact> load_contact(Database& db, Id workspace_id, Id contact_id) {
    static const std::string sql =
        "SELECT " + contact_columns + " FROM contacts ct WHERE ct.id = ? AND ct.workspace_id = ?";
    std::optional<core::Contact> contact;
    {
        Statement query = db.prepare(sql);
        query.bind_all(contact_id, workspace_id);
        if (query.step()) contact = read_contact(query);
    }
    if (contact) contact->attributes = load_attributes(db, contact->id);
    return contact;
}

// Seen now, and one more visit when this hello starts a new one (core::starts_new_visit).
void count_visit(Database& db, Id contact_id, TimeMs last_seen, TimeMs now) {
    const bool new_visit = core::starts_new_visit(last_seen, now);
    db.prepare(
          "UPDATE contacts SET last_seen = MAX(last_seen, ?), visits = visits + ? "
          "WHERE id = ?")
        .bind_all(now, std::int64_t{new_visit ? 1 : 0}, contact_id)
        .run();
}

// A returning anonymous visitor's hello. False when the token is not the workspace's, or
// is a verified contact's: a token alone (one read from a browser's storage) never
// reaches a verified contact.
bool count_arrival(Database& db, Id workspace_id, const std::string& token_hash, TimeMs now) {
    Statement seen = db.prepare(
        "SELECT id, last_seen FROM contacts WHERE workspace_id = ? AND token_hash = ? AND "
        "external_id IS NULL");
    seen.bind(1, workspace_id).bind_blob(2, token_hash);
    if (!seen.step()) return false;
    count_visit(db, seen.column_int64(0), seen.column_int64(1), now);
    return true;
}

// The hello's context, merged into the contact's attributes (only what changed is written).
void merge_context(Database& db, core::Contact& contact,
                   const std::map<std::string, std::string>& context) {
    for (const auto& [key, value] : context) {
        auto [slot, added] = contact.attributes.try_emplace(key, value);
        if (!added && slot->second == value) continue;
        slot->second = value;
        db.prepare(
              "INSERT INTO contact_attributes(contact_id, key, value) VALUES (?, ?, ?) "
              "ON CONFLICT(contact_id, key) DO UPDATE SET value = excluded.value")
            .bind_all(contact.id, key, value)
            .run();
    }
}

// The workspace's verified contact with the external id: its id and last_seen.
std::optional<std::pair<Id, TimeMs>> find_verified(Database& db, Id workspace_id,
                                                   const std::string& external_id) {
    Statement query =
        db.prepare("SELECT id, last_seen FROM contacts WHERE workspace_id = ? AND external_id = ?");
    query.bind_all(workspace_id, external_id);
    if (!query.step()) return std::nullopt;
    return std::pair{query.column_int64(0), query.column_int64(1)};
}

Id insert_verified_contact(Database& db, const VerifiedVisit& visit) {
    db.prepare(
          "INSERT INTO contacts(workspace_id, site_id, token_hash, first_seen, last_seen, visits, "
          "external_id) SELECT ?1, s.id, ?3, ?4, ?4, 1, ?5 FROM sites s "
          "WHERE s.id = ?2 AND s.workspace_id = ?1")
        .bind(1, visit.workspace_id)
        .bind(2, visit.site_id)
        .bind_blob(3, visit.new_token_hash)
        .bind(4, visit.now)
        .bind(5, visit.external_id)
        .run();
    return db.changes() > 0 ? db.last_insert_rowid() : 0;
}

bool has_token(Database& db, Id workspace_id, Id contact_id, const std::string& token_hash) {
    Statement query = db.prepare(
        "SELECT EXISTS (SELECT 1 FROM contacts WHERE id = ?1 AND workspace_id = ?2 AND "
        "token_hash = ?3) OR EXISTS (SELECT 1 FROM contact_tokens WHERE token_hash = ?3 AND "
        "contact_id = ?1 AND workspace_id = ?2)");
    query.bind(1, contact_id).bind(2, workspace_id).bind_blob(3, token_hash);
    return query.step() && query.column_int64(0) != 0;
}

// One more browser's token for the contact; the oldest beyond the newest
// Store::max_contact_tokens are forgotten (their browsers get a new one next time).
void add_token(Database& db, Id workspace_id, Id contact_id, const std::string& token_hash,
               TimeMs now) {
    db.prepare(
          "INSERT INTO contact_tokens(token_hash, workspace_id, contact_id, created_at) "
          "VALUES (?, ?, ?, ?)")
        .bind_blob(1, token_hash)
        .bind(2, workspace_id)
        .bind(3, contact_id)
        .bind(4, now)
        .run();
    db.prepare(
          "DELETE FROM contact_tokens WHERE contact_id = ?1 AND rowid NOT IN (SELECT rowid FROM "
          "contact_tokens WHERE contact_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2)")
        .bind_all(contact_id, std::int64_t{Store::max_contact_tokens})
        .run();
}

}  // namespace

std::optional<core::Contact> SqliteStore::find_contact(Id workspace_id, Id contact_id) {
    auto db = read();
    ReadTransaction transaction(*db);
    return load_contact(*db, workspace_id, contact_id);
}

VisitorArrival SqliteStore::arrive_verified(const VerifiedVisit& visit) {
    return writer_.run([&](Database& db) {
        VisitorArrival arrival;
        Id id = 0;
        if (auto found = find_verified(db, visit.workspace_id, visit.external_id)) {
            id = found->first;
            count_visit(db, id, found->second, visit.now);
            const bool known = !visit.token_hash.empty() &&
                               has_token(db, visit.workspace_id, id, visit.token_hash);
            if (!known) add_token(db, visit.workspace_id, id, visit.new_token_hash, visit.now);
            arrival.new_token = !known;
        } else if (visit.may_create) {
            id = insert_verified_contact(db, visit);
            arrival.created = arrival.new_token = id != 0;
        }
        auto contact = id == 0 ? std::nullopt : load_contact(db, visit.workspace_id, id);
        if (!contact) return VisitorArrival{};
        merge_context(db, *contact, visit.context);
        arrival.contact = std::move(*contact);
        return arrival;
    });
}

VisitorArrival SqliteStore::arrive_visitor(Id workspace_id, Id site_id,
                                           const std::string& token_hash,
                                           const std::string& new_token_hash, TimeMs now,
                                           const std::map<std::string, std::string>& context) {
    return writer_.run([&](Database& db) {
        VisitorArrival arrival;
        bool returning = false;
        if (!token_hash.empty()) returning = count_arrival(db, workspace_id, token_hash, now);
        if (!returning) {
            if (new_token_hash.empty()) return arrival;  // the caller may not create one now
            insert_contact(db, workspace_id, site_id, new_token_hash, now);
        }
        auto contact =
            load_contact_by_token(db, workspace_id, returning ? token_hash : new_token_hash);
        if (!contact) return arrival;
        merge_context(db, *contact, context);
        arrival.contact = std::move(*contact);
        arrival.created = arrival.new_token = !returning;
        return arrival;
    });
}

bool SqliteStore::update_contact(const core::Contact& contact) {
    return writer_.run([&](Database& db) {
        db.prepare("UPDATE contacts SET name = ?, email = ? WHERE id = ? AND workspace_id = ?")
            .bind_all(contact.name, contact.email, contact.id, contact.workspace_id)
            .run();
        if (db.changes() == 0) return false;
        db.prepare("DELETE FROM contact_attributes WHERE contact_id = ?").bind(1, contact.id).run();
        for (const auto& [key, value] : contact.attributes) {
            db.prepare("INSERT INTO contact_attributes(contact_id, key, value) VALUES (?, ?, ?)")
                .bind_all(contact.id, key, value)
                .run();
        }
        return true;
    });
}

core::PageView SqliteStore::add_page_view(const core::PageView& view) {
    return writer_.run([&](Database& db) { return add_page_view_in(db, view); });
}

void SqliteStore::add_page_view_async(core::PageView view,
                                      std::function<void(std::optional<core::PageView>)> done) {
    write_async(
        writer_, [view = std::move(view)](Database& db) { return add_page_view_in(db, view); },
        std::move(done), [](const std::exception_ptr&) { return std::optional<core::PageView>(); });
}

std::vector<core::PageView> SqliteStore::list_page_views(Id workspace_id, Id contact_id,
                                                         int limit) {
    static const std::string sql = "SELECT " + page_view_columns +
                                   " FROM page_views pv WHERE pv.contact_id = ? AND "
                                   "pv.workspace_id = ? ORDER BY pv.at DESC, pv.id DESC LIMIT ?";
    if (limit <= 0) return {};
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind_all(contact_id, workspace_id, std::int64_t{limit});
    std::vector<core::PageView> views;
    while (query.step()) views.push_back(read_page_view(query));
    return views;
}

// --- Conversations ---

std::optional<core::Conversation> SqliteStore::find_conversation(Id workspace_id, Id id) {
    auto db = read();
    return load_conversation(*db, workspace_id, id);
}

std::optional<core::Conversation> SqliteStore::find_active_conversation(Id workspace_id, Id site_id,
                                                                        Id contact_id) {
    auto db = read();
    return load_active_conversation(*db, workspace_id, site_id, contact_id);
}

std::vector<core::Conversation> SqliteStore::list_conversations(const ConversationFilter& filter) {
    auto db = read();
    return list_conversations_in(*db, filter);
}

ConversationCounts SqliteStore::count_conversations(Id workspace_id,
                                                    core::ConversationStatus status, Id agent_id) {
    auto db = read();
    return count_conversations_in(*db, workspace_id, status, agent_id);
}

std::optional<core::Conversation> SqliteStore::set_conversation_status(
    Id workspace_id, Id id, core::ConversationStatus status, TimeMs now) {
    return writer_.run([&](Database& db) -> std::optional<core::Conversation> {
        std::optional<core::Conversation> conversation = load_conversation(db, workspace_id, id);
        if (!conversation || conversation->status == status) return conversation;
        conversation->status = status;
        conversation->updated_at = std::max(conversation->updated_at, now);
        conversation->closed_at =
            status == ConversationStatus::closed ? std::optional<TimeMs>(now) : std::nullopt;
        db.prepare(
              "UPDATE conversations SET status = ?, updated_at = ?, closed_at = ? WHERE id = ?")
            .bind_all(core::to_string(status), conversation->updated_at, conversation->closed_at,
                      id)
            .run();
        return conversation;
    });
}

std::optional<core::Conversation> SqliteStore::assign_conversation(Id workspace_id, Id id,
                                                                   std::optional<Id> assignee,
                                                                   TimeMs now) {
    return writer_.run([&](Database& db) -> std::optional<core::Conversation> {
        std::optional<core::Conversation> conversation = load_conversation(db, workspace_id, id);
        if (!conversation || conversation->assignee_id == assignee) return conversation;
        conversation->assignee_id = assignee;
        conversation->updated_at = std::max(conversation->updated_at, now);
        if (assignee && !conversation->first_assigned_at) conversation->first_assigned_at = now;
        db.prepare(
              "UPDATE conversations SET assignee_id = ?, updated_at = ?, first_assigned_at = ? "
              "WHERE id = ?")
            .bind_all(assignee, conversation->updated_at, conversation->first_assigned_at, id)
            .run();
        return conversation;
    });
}

// --- Messages ---

AppendResult SqliteStore::append_indexed(Database& db, const NewMessage& message) {
    auto appended = append_in(db, message);
    if (appended.status == AppendResult::Status::stored) indexer_.stored(appended.message.id);
    return appended;
}

AppendResult SqliteStore::append_message(const NewMessage& message) {
    // run(), not submit(): its caller blocks, so the writer must not wait for company.
    try {
        return writer_.run([&](Database& db) { return append_indexed(db, message); });
    } catch (...) {
        return failed_result(std::current_exception());
    }
}

void SqliteStore::append_message_async(NewMessage message, std::function<void(AppendResult)> done) {
    write_async(
        writer_,
        [this, message = std::move(message)](Database& db) { return append_indexed(db, message); },
        std::move(done), failed_result);
}

std::vector<core::Message> SqliteStore::list_messages(Id workspace_id, Id conversation_id,
                                                      Seq after_seq, Seq before_seq, int limit) {
    if (limit <= 0) return {};
    static const std::string from = "SELECT " + message_columns +
                                    " FROM messages m JOIN conversations c ON "
                                    "c.id = m.conversation_id WHERE m.conversation_id = ? AND "
                                    "c.workspace_id = ?";
    static const std::string latest_below = from + " AND m.seq < ? ORDER BY m.seq DESC LIMIT ?";
    static const std::string after_only = from + " AND m.seq > ? ORDER BY m.seq LIMIT ?";
    static const std::string between = from + " AND m.seq > ? AND m.seq < ? ORDER BY m.seq LIMIT ?";

    auto db = read();
    std::vector<core::Message> messages;
    if (before_seq > 0 && after_seq <= 0) {
        Statement query = db->prepare(latest_below);
        query.bind_all(conversation_id, workspace_id, before_seq, std::int64_t{limit});
        while (query.step()) messages.push_back(read_message(query));
        std::reverse(messages.begin(), messages.end());
        load_attachments(*db, messages);
        return messages;
    }
    Statement query = db->prepare(before_seq > 0 ? between : after_only);
    if (before_seq > 0) {
        query.bind_all(conversation_id, workspace_id, after_seq, before_seq, std::int64_t{limit});
    } else {
        query.bind_all(conversation_id, workspace_id, after_seq, std::int64_t{limit});
    }
    while (query.step()) messages.push_back(read_message(query));
    load_attachments(*db, messages);
    return messages;
}

// --- Read marks ---

std::optional<Seq> SqliteStore::stored_read_mark(Id workspace_id, const core::ReadMark& mark) {
    auto db = read();
    return plan_read_mark(*db, workspace_id, mark).answer;
}

Seq SqliteStore::set_read_mark(Id workspace_id, const core::ReadMark& mark) {
    if (auto stored = stored_read_mark(workspace_id, mark)) return *stored;
    return writer_.run([&](Database& db) { return set_read_mark_in(db, workspace_id, mark); });
}

void SqliteStore::set_read_mark_async(Id workspace_id, core::ReadMark mark,
                                      std::function<void(std::optional<Seq>)> done) {
    if (auto stored = stored_read_mark(workspace_id, mark)) return done(*stored);
    write_async(
        writer_,
        [workspace_id, mark](Database& db) { return set_read_mark_in(db, workspace_id, mark); },
        std::move(done), [](const std::exception_ptr&) { return std::optional<Seq>(); });
}

std::vector<core::ReadMark> SqliteStore::list_read_marks(Id workspace_id, Id conversation_id) {
    auto db = read();
    Statement query = db->prepare(
        "SELECT r.conversation_id, r.reader_kind, r.reader_id, r.seq FROM read_marks r "
        "JOIN conversations c ON c.id = r.conversation_id "
        "WHERE r.conversation_id = ? AND c.workspace_id = ? "
        "ORDER BY r.reader_kind, r.reader_id");
    query.bind_all(conversation_id, workspace_id);
    std::vector<core::ReadMark> marks;
    while (query.step()) {
        marks.push_back(
            core::ReadMark{query.column_int64(0),
                           require(core::parse_author_kind(query.column_text(1)), "reader kind"),
                           query.column_int64(2), query.column_int64(3)});
    }
    return marks;
}

// --- Health ---

bool SqliteStore::probe_writable() {
    auto promise = std::make_shared<std::promise<bool>>();
    std::future<bool> future = promise->get_future();
    try {
        writer_.submit(
            [](Database& db) {
                db.prepare(
                      "INSERT INTO store_probe(id, writes) VALUES (1, 1) "
                      "ON CONFLICT(id) DO UPDATE SET writes = writes + 1")
                    .run();
            },
            [promise](std::exception_ptr error) { promise->set_value(error == nullptr); },
            Writer::Caller::waits);
    } catch (const StoreError&) {
        return false;
    }
    // A writer stuck behind a slow disk counts as unwritable rather than hanging the caller.
    return future.wait_for(probe_timeout) == std::future_status::ready && future.get();
}

void SqliteStore::flush() {
    // Jobs run and complete in queue order, so an empty job's commit comes after theirs.
    try {
        writer_.run([](Database&) {});
    } catch (const StoreError&) {
        // Stopped (nothing is queued any more) or too busy to queue it: nothing to wait for.
    }
}

StoreStats SqliteStore::stats() {
    StoreStats stats = writer_.stats();
    stats.checkpoints = checkpointer_->checkpoints();
    stats.checkpoint_tails = checkpointer_->tails();
    return stats;
}

}  // namespace juttu::store::sqlite
