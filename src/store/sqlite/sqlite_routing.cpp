// What routing, internal notes and the e-mail outbox keep.
#include <algorithm>

#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace juttu::store::sqlite {

// --- Routing ---

std::vector<core::Conversation> SqliteStore::list_queue(Id workspace_id, int limit,
                                                        TimeMs after_created_at, Id after_id) {
    if (limit <= 0) return {};
    static const std::string sql =
        "SELECT " + conversation_columns + " FROM conversations c INDEXED BY conversations_queue" +
        last_message_join +
        " WHERE c.workspace_id = ? AND "
        "c.assignee_id IS NULL AND c.status = 'open' AND c.channel = 'chat' AND "
        "(c.created_at, c.id) > (?, ?) ORDER BY c.created_at, c.id LIMIT ?";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind_all(workspace_id, after_created_at, after_id, std::int64_t{limit});
    std::vector<core::Conversation> queue;
    while (query.step()) queue.push_back(read_conversation(query));
    return queue;
}

std::optional<core::Conversation> SqliteStore::claim_conversation(Id workspace_id, Id id,
                                                                  Id agent_id, TimeMs now,
                                                                  bool within_capacity) {
    return writer_.run([&](Database& db) -> std::optional<core::Conversation> {
        db.prepare(
              "UPDATE conversations SET assignee_id = ?3, updated_at = MAX(updated_at, ?4), "
              "first_assigned_at = COALESCE(first_assigned_at, ?4) WHERE id = ?1 AND "
              "workspace_id = ?2 AND assignee_id IS NULL AND status = 'open' AND "
              "EXISTS (SELECT 1 FROM agents a WHERE a.id = ?3 AND a.workspace_id = ?2 AND "
              "(NOT ?5 OR a.capacity > (SELECT COUNT(*) FROM conversations l WHERE "
              "l.workspace_id = ?2 AND l.assignee_id = ?3 AND l.status IN ('open', 'pending'))))")
            .bind_all(id, workspace_id, agent_id, now, std::int64_t{within_capacity})
            .run();
        if (db.changes() == 0) return std::nullopt;
        return load_conversation(db, workspace_id, id);
    });
}

std::map<Id, int> SqliteStore::count_open_chats(Id workspace_id) {
    auto db = read();
    Statement query = db->prepare(
        "SELECT assignee_id, COUNT(*) FROM conversations WHERE workspace_id = ? AND "
        "assignee_id IS NOT NULL AND status IN ('open', 'pending') GROUP BY assignee_id");
    query.bind(1, workspace_id);
    std::map<Id, int> counts;
    while (query.step()) {
        counts.emplace(query.column_int64(0), static_cast<int>(query.column_int64(1)));
    }
    return counts;
}

std::optional<core::Conversation> SqliteStore::set_conversation_team(Id workspace_id, Id id,
                                                                     std::optional<Id> team_id,
                                                                     TimeMs now) {
    return writer_.run([&](Database& db) -> std::optional<core::Conversation> {
        db.prepare(
              "UPDATE conversations SET assignee_id = NULL, updated_at = MAX(updated_at, ?3), "
              "team_id = (SELECT id FROM teams WHERE id = ?4 AND workspace_id = ?2) "
              "WHERE id = ?1 AND workspace_id = ?2 AND status != 'closed'")
            .bind_all(id, workspace_id, now, team_id)
            .run();
        return load_conversation(db, workspace_id, id);
    });
}

std::vector<core::Conversation> SqliteStore::mark_missed(Id workspace_id, Id contact_id,
                                                         TimeMs now) {
    return writer_.run([&](Database& db) {
        static const std::string sql =
            "SELECT " + conversation_columns + " FROM conversations c" + last_message_join +
            " WHERE c.contact_id = ? AND c.workspace_id = ? AND "
            "c.status IN ('open', 'pending') AND c.channel = 'chat' AND c.missed = 0 AND "
            "c.first_response_at IS NULL";
        std::vector<core::Conversation> missed;
        {
            Statement query = db.prepare(sql);
            query.bind_all(contact_id, workspace_id);
            while (query.step()) missed.push_back(read_conversation(query));
        }
        for (auto& conversation : missed) {
            conversation.missed = true;
            conversation.updated_at = std::max(conversation.updated_at, now);
            db.prepare("UPDATE conversations SET missed = 1, updated_at = ? WHERE id = ?")
                .bind_all(conversation.updated_at, conversation.id)
                .run();
        }
        return missed;
    });
}

// --- Notes ---

std::optional<core::Note> SqliteStore::add_note(const core::Note& note) {
    return writer_.run([&](Database& db) -> std::optional<core::Note> {
        if (!load_conversation(db, note.workspace_id, note.conversation_id)) return std::nullopt;
        db.prepare(
              "INSERT INTO notes(workspace_id, conversation_id, agent_id, author_name, body, "
              "created_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind_all(note.workspace_id, note.conversation_id, note.agent_id, note.author_name,
                      note.body, note.created_at)
            .run();
        core::Note added = note;
        added.id = db.last_insert_rowid();
        return added;
    });
}

std::vector<core::Note> SqliteStore::list_notes(Id workspace_id, Id conversation_id) {
    static const std::string sql = "SELECT " + note_columns +
                                   " FROM notes n WHERE n.conversation_id = ? AND "
                                   "n.workspace_id = ? ORDER BY n.id";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind_all(conversation_id, workspace_id);
    std::vector<core::Note> notes;
    while (query.step()) notes.push_back(read_note(query));
    return notes;
}

// --- E-mail outbox ---

std::vector<OutboxEmail> SqliteStore::due_emails(TimeMs now, int limit) {
    static const std::string sql =
        "SELECT o.id, o.workspace_id, o.attempts, " + message_columns + ", " +
        conversation_columns +
        " FROM email_outbox o JOIN messages m ON m.id = o.message_id "
        "JOIN conversations c ON c.id = m.conversation_id" +
        last_message_join +
        " WHERE o.state = 'pending' AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id "
        "LIMIT ?";
    constexpr int outbox_column_count = 3;
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind_all(now, std::int64_t{limit});
    std::vector<OutboxEmail> due;
    while (query.step()) {
        OutboxEmail email;
        email.id = query.column_int64(0);
        email.workspace_id = query.column_int64(1);
        email.attempts = static_cast<int>(query.column_int64(2));
        email.message = read_message(query, outbox_column_count);
        email.conversation = read_conversation(query, outbox_column_count + message_column_count);
        due.push_back(std::move(email));
    }
    return due;
}

void SqliteStore::finish_email(Id id, TimeMs now, const std::string& error,
                               std::optional<TimeMs> retry_at) {
    writer_.run([&](Database& db) {
        if (error.empty()) {
            db.prepare("UPDATE email_outbox SET state = 'sent', sent_at = ? WHERE id = ?")
                .bind_all(now, id)
                .run();
            return;
        }
        db.prepare(
              "UPDATE email_outbox SET attempts = attempts + 1, last_error = ?, "
              "state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END, "
              "next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ?")
            .bind_all(error, retry_at, retry_at, id)
            .run();
    });
}

}  // namespace juttu::store::sqlite
