// Full-text search and the contacts list (the index: migration 12).
#include <string>

#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace juttu::store::sqlite {

std::vector<core::Contact> SqliteStore::list_contacts(const ContactFilter& filter) {
    if (filter.limit <= 0) return {};
    std::string sql = "SELECT " + contact_columns + " FROM contacts ct WHERE ct.workspace_id = ?";
    if (!filter.text_match.empty()) {
        sql += " AND ct.id IN (SELECT rowid FROM contact_search WHERE contact_search MATCH ?)";
    }
    const bool cursor = filter.before_last_seen && filter.before_id;
    if (cursor) sql += " AND (ct.last_seen, ct.id) < (?, ?)";
    sql += " ORDER BY ct.last_seen DESC, ct.id DESC LIMIT ?";

    auto db = read();
    Statement query = db->prepare(sql);
    int index = 0;
    query.bind(++index, filter.workspace_id);
    if (!filter.text_match.empty()) query.bind(++index, std::string_view(filter.text_match));
    if (cursor) {
        query.bind(++index, *filter.before_last_seen);
        query.bind(++index, *filter.before_id);
    }
    query.bind(++index, std::int64_t{filter.limit});
    std::vector<core::Contact> contacts;
    while (query.step()) contacts.push_back(read_contact(query));
    return contacts;
}

std::vector<core::Message> SqliteStore::matching_messages(Id workspace_id,
                                                          const std::vector<Id>& conversation_ids,
                                                          const std::string& text_match,
                                                          int per_conversation) {
    if (conversation_ids.empty() || text_match.empty() || per_conversation <= 0) return {};
    // One pass over the index for the whole page of conversations, from the first message
    // of the oldest of them on (a page of recent chats reads the index's newest part only:
    // 2 ms instead of ~90 for a common word at a million messages); a window keeps each
    // one's newest matches.
    const std::string ids = json_ids(conversation_ids);
    static const std::string sql =
        "SELECT * FROM (SELECT " + message_columns +
        ", row_number() OVER (PARTITION BY m.conversation_id ORDER BY m.seq DESC) AS rank "
        "FROM message_search s JOIN messages m ON m.id = s.rowid JOIN conversations c ON "
        "c.id = m.conversation_id WHERE message_search MATCH ?1 AND s.rowid >= (SELECT MIN(f.id) "
        "FROM messages f WHERE f.conversation_id IN (SELECT value FROM json_each(?3))) AND "
        "c.workspace_id = ?2 AND m.conversation_id IN (SELECT value FROM json_each(?3))) "
        "WHERE rank <= ?4 ORDER BY id DESC";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind_all(std::string_view(text_match), workspace_id, std::string_view(ids),
                   std::int64_t{per_conversation});
    std::vector<core::Message> messages;
    while (query.step()) messages.push_back(read_message(query));
    return messages;
}

}  // namespace juttu::store::sqlite
