#include "store/sqlite/conversation_listing.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "store/sqlite/rows.hpp"

namespace juttu::store::sqlite {

namespace {

using SqlValue = std::variant<std::int64_t, std::string_view>;

// The status condition is written as a literal, never bound: sqlite uses a partial index
// only when the query's WHERE names the index's own condition.
std::string status_condition(core::ConversationStatus status) {
    return "c.status = '" + std::string(core::to_string(status)) + "'";
}

// One SELECT of the listing: the filters in use, the cursor and `status` (SQL); their
// values are appended to `values` in the order of their placeholders. Closed
// conversations are ordered by their stored updated_at, which an index keeps in order
// (closing stores their activity); open and pending ones by their activity, which their
// last message may have moved.
std::string select_where(const ConversationFilter& filter, std::string_view status, bool closed,
                         const std::optional<std::string>& candidates,
                         std::vector<SqlValue>& values) {
    const std::string activity = closed ? "c.updated_at" : conversation_activity;
    std::string sql = "SELECT " + (closed ? closed_conversation_columns : conversation_columns) +
                      // NOT INDEXED: looked up by their ids, which the ordering
                      // indexes would otherwise walk past (every conversation, in order).
                      " FROM conversations c" + (candidates ? " NOT INDEXED" : "") +
                      last_message_join + " WHERE c.workspace_id = ? AND " + std::string(status);
    values.emplace_back(filter.workspace_id);
    switch (filter.assignee) {
        case ConversationFilter::Assignee::any:
            break;
        case ConversationFilter::Assignee::unassigned:
            sql += " AND c.assignee_id IS NULL";
            break;
        case ConversationFilter::Assignee::agent:
            sql += " AND c.assignee_id = ?";
            values.emplace_back(filter.assignee_id);
            break;
        case ConversationFilter::Assignee::agent_or_unassigned:
            sql += " AND (c.assignee_id IS NULL OR c.assignee_id = ?)";
            values.emplace_back(filter.assignee_id);
            break;
    }
    if (filter.site_id) {
        sql += " AND c.site_id = ?";
        values.emplace_back(*filter.site_id);
    }
    if (filter.contact_id) {
        sql += " AND c.contact_id = ?";
        values.emplace_back(*filter.contact_id);
    }
    if (filter.team_id) {
        sql += " AND c.team_id = ?";
        values.emplace_back(*filter.team_id);
    }
    if (filter.channel) {
        sql += " AND c.channel = ?";
        values.emplace_back(core::to_string(*filter.channel));
    }
    if (filter.missed) {
        sql += " AND c.missed = ?";
        values.emplace_back(std::int64_t{*filter.missed});
    }
    if (candidates) {
        // Found from the index already: each looked up by its id.
        sql += " AND c.id IN (SELECT value FROM json_each(?))";
        values.emplace_back(std::string_view(*candidates));
    } else if (!filter.text_match.empty()) {
        // Many conversations match: they are walked in order, each checked against the
        // index's matching messages and contacts.
        sql +=
            " AND (c.id IN (SELECT m.conversation_id FROM message_search s JOIN messages m ON "
            "m.id = s.rowid WHERE message_search MATCH ?) OR c.contact_id IN (SELECT rowid FROM "
            "contact_search WHERE contact_search MATCH ?))";
        values.emplace_back(std::string_view(filter.text_match));
        values.emplace_back(std::string_view(filter.text_match));
    }
    if (filter.active_from) {
        sql += " AND " + activity + " >= ?";
        values.emplace_back(*filter.active_from);
    }
    if (filter.active_to) {
        sql += " AND c.created_at <= ?";
        values.emplace_back(*filter.active_to);
    }
    if (filter.before_updated_at && filter.before_id) {
        sql += " AND (" + activity + ", c.id) < (?, ?)";
        values.emplace_back(*filter.before_updated_at);
        values.emplace_back(*filter.before_id);
    } else if (filter.before_updated_at) {
        // Without an id the cursor is a point in time: everything older.
        sql += " AND " + activity + " < ?";
        values.emplace_back(*filter.before_updated_at);
    }
    return sql;
}

// The ids (a JSON array) of every conversation of the workspace with a message or a
// contact that matches `text_match`, when there are at most `most` of them; nullopt when
// there are more. (Counted in the workspace only, so that another workspace's texts
// change neither the answer nor the time it takes.)
// A rare text (an order number, an e-mail address, a name) matches a few conversations,
// and looking each up beats walking the workspace's conversations in order (at a million
// messages 1-2 ms against ~40; BENCHMARKS.md, "Search at a million messages"); a common
// word matches many (walked_page).
std::optional<std::string> few_matching(Database& db, Id workspace_id,
                                        const std::string& text_match, std::size_t most) {
    std::set<Id> ids;
    // CROSS JOIN: from the index's matches out, never the workspace's every conversation
    // checked against them (which its index on workspace_id would otherwise invite; the
    // unary + keeps sqlite from using that index).
    static const std::string messages_sql =
        "SELECT DISTINCT m.conversation_id FROM message_search s CROSS JOIN messages m ON "
        "m.id = s.rowid CROSS JOIN conversations c ON c.id = m.conversation_id WHERE "
        "message_search MATCH ?1 AND +c.workspace_id = ?2 LIMIT ?3";
    static const std::string contacts_sql =
        "SELECT c.id FROM contact_search cs CROSS JOIN conversations c ON c.contact_id = "
        "cs.rowid WHERE contact_search MATCH ?1 AND +c.workspace_id = ?2 LIMIT ?3";
    for (const auto* sql : {&messages_sql, &contacts_sql}) {
        Statement query = db.prepare(*sql);
        query.bind_all(std::string_view(text_match), workspace_id,
                       static_cast<std::int64_t>(most + 1));
        while (query.step()) {
            ids.insert(query.column_int64(0));
            if (ids.size() > most) return std::nullopt;
        }
    }
    return json_ids(ids);
}

}  // namespace

namespace {

// The listing's SELECT (or two, for open and closed together), unordered and unlimited.
std::string listing_sql(const ConversationFilter& filter,
                        const std::optional<std::string>& candidates,
                        std::vector<SqlValue>& values) {
    // Only the filters in use appear in the SQL, so each combination gets a plan (and a
    // cached statement) of its own. Every message moves its conversation's activity, so
    // the activity-ordered indexes hold closed conversations only (migration 7): open
    // and pending ones, a shop's few current chats, are sorted when listed; closed ones
    // are read in index order; sqlite merges the two as it goes.
    if (filter.status) {
        return select_where(filter, status_condition(*filter.status),
                            *filter.status == core::ConversationStatus::closed, candidates, values);
    }
    return select_where(filter, "c.status IN ('open', 'pending')", false, candidates, values) +
           " UNION ALL " +
           select_where(filter, status_condition(core::ConversationStatus::closed), true,
                        candidates, values);
}

constexpr std::string_view newest_first = " ORDER BY updated_at DESC, id DESC LIMIT ?";

std::vector<core::Conversation> run_listing(Database& db, const std::string& sql,
                                            const std::vector<SqlValue>& values) {
    Statement query = db.prepare(sql);
    int index = 0;
    for (const SqlValue& value : values) {
        ++index;
        std::visit([&](const auto& v) { query.bind(index, v); }, value);
    }
    std::vector<core::Conversation> conversations;
    while (query.step()) conversations.push_back(read_conversation(query));
    return conversations;
}

std::vector<Id> ids_of(const std::vector<core::Conversation>& conversations) {
    std::vector<Id> ids;
    for (const auto& conversation : conversations) ids.push_back(conversation.id);
    return ids;
}

// Which of these conversations have a message or a contact that matches: one pass over
// the index between the first and the last of their messages' ids, unless that spans
// more than `most_messages` (nullopt).
std::optional<std::set<Id>> matching_among(Database& db, const std::string& ids,
                                           const std::string& text_match,
                                           std::int64_t most_messages) {
    Statement range = db.prepare(
        "SELECT MIN(f.id), MAX(f.id) FROM json_each(?) j JOIN messages f ON f.conversation_id "
        "= j.value");
    range.bind(1, std::string_view(ids));
    if (!range.step() || range.column_is_null(0)) return std::set<Id>{};
    const std::int64_t first = range.column_int64(0);
    const std::int64_t last = range.column_int64(1);
    if (last - first > most_messages) return std::nullopt;
    std::set<Id> found;
    Statement messages = db.prepare(
        "SELECT m.conversation_id FROM message_search s JOIN messages m ON m.id = s.rowid "
        "WHERE message_search MATCH ? AND s.rowid BETWEEN ? AND ? AND m.conversation_id IN "
        "(SELECT value FROM json_each(?))");
    messages.bind_all(std::string_view(text_match), first, last, std::string_view(ids));
    while (messages.step()) found.insert(messages.column_int64(0));
    Statement contacts = db.prepare(
        "SELECT c.id FROM conversations c WHERE c.id IN (SELECT value FROM json_each(?)) AND "
        "c.contact_id IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)");
    contacts.bind_all(std::string_view(ids), std::string_view(text_match));
    while (contacts.step()) found.insert(contacts.column_int64(0));
    return found;
}

// A common word matches most conversations: gathering its every match (a look-up of each
// message for its conversation) costs ~0.1-0.2 s at a million messages, and checking the
// conversations one by one costs a look-up in each of the index's segments for each.
// Instead the newest `walked` conversations of the listing without the text are taken,
// and one pass over the index between their first and last message finds those that
// match: a shop's recent conversations are its recent messages, a small part of the
// index. The walk goes in the listing's order, so a page filled within it is exact;
// fewer than a page (or recent conversations whose messages span too much): nullopt.
std::optional<std::vector<core::Conversation>> walked_page(Database& db,
                                                           const ConversationFilter& filter,
                                                           int walked) {
    ConversationFilter plain = filter;
    plain.text_match.clear();
    std::vector<SqlValue> values;
    const std::string sql = listing_sql(plain, std::nullopt, values) + std::string(newest_first);
    values.emplace_back(std::int64_t{walked});
    auto recent = run_listing(db, sql, values);
    constexpr std::int64_t most_messages = 100'000;
    const auto matching =
        matching_among(db, json_ids(ids_of(recent)), filter.text_match, most_messages);
    if (!matching) return std::nullopt;
    std::vector<core::Conversation> page;
    for (auto& conversation : recent) {
        if (page.size() == static_cast<std::size_t>(filter.limit)) break;
        if (matching->count(conversation.id)) page.push_back(std::move(conversation));
    }
    if (page.size() < static_cast<std::size_t>(filter.limit)) return std::nullopt;
    return page;
}

}  // namespace

std::vector<core::Conversation> list_conversations_in(Database& db,
                                                      const ConversationFilter& filter) {
    if (filter.limit <= 0) return {};
    constexpr std::size_t looked_up_at_most = 500;
    constexpr int walked_at_most = 200;  // ~0.25 ms each at a million messages
    std::optional<std::string> candidates;
    if (!filter.text_match.empty()) {
        candidates = few_matching(db, filter.workspace_id, filter.text_match, looked_up_at_most);
        if (candidates == "[]") return {};
        if (!candidates && filter.limit < walked_at_most) {
            if (auto page = walked_page(db, filter, walked_at_most)) return std::move(*page);
        }
    }
    std::vector<SqlValue> values;
    const std::string sql = listing_sql(filter, candidates, values) + std::string(newest_first);
    values.emplace_back(std::int64_t{filter.limit});
    return run_listing(db, sql, values);
}

ConversationCounts count_conversations_in(Database& db, Id workspace_id,
                                          core::ConversationStatus status, Id agent_id) {
    Statement query = db.prepare(
        "SELECT COALESCE(SUM(c.assignee_id IS NULL), 0), COALESCE(SUM(c.assignee_id = ?), 0), "
        "COUNT(*) FROM conversations c WHERE c.workspace_id = ? AND " +
        status_condition(status));
    query.bind_all(agent_id, workspace_id);
    ConversationCounts counts;
    if (query.step()) {
        counts.unassigned = query.column_int64(0);
        counts.mine = query.column_int64(1);
        counts.all = query.column_int64(2);
    }
    return counts;
}

}  // namespace juttu::store::sqlite
