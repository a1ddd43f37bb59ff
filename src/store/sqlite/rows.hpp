// What the SQLite store's files share: the column list and reader of each row type
// (each list matches its reader, with a fixed table alias), and small helpers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/types.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace juttu::store::sqlite {

template <class T>
T require(std::optional<T> value, std::string_view what) {
    if (!value) throw StoreError("sqlite: invalid " + std::string(what) + " in the database");
    return *value;
}

bool is_unique_violation(const SqliteError& error);
// The first 140 characters, never splitting a UTF-8 sequence.
std::string preview_of(std::string_view body);
// Lists kept in one column: origins one per line, language tags comma-separated (neither
// contains its separator). split leaves out empty parts.
std::string join(const std::vector<std::string>& parts, char separator);
std::vector<std::string> split(std::string_view text, char separator);

// Ids as one JSON array ("[3,5,8]"), for json_each: one cached statement serves any
// number of them.
template <class Ids>
std::string json_ids(const Ids& ids) {
    std::string json = "[";
    for (const Id id : ids) {
        if (json.size() > 1) json += ',';
        json += std::to_string(id);
    }
    return json + "]";
}

// The pre-chat form as stored in sites.prechat: "1;required;optional;off;0;Order number".
std::string encode_prechat(const core::PrechatForm& form);
core::PrechatForm decode_prechat(std::string_view text);
std::string encode_translations(const std::vector<core::SiteTexts>& translations);
std::vector<core::SiteTexts> decode_translations(std::string_view text);
// A site's identity secrets as site_columns reads them: "n:created_at:secret" joined by
// commas (a base64url secret holds neither separator); ordered by n.
std::vector<core::IdentitySecret> decode_identity_secrets(std::string_view text);

extern const std::string workspace_columns;  // alias w
core::Workspace read_workspace(const Statement& row, int first = 0);

extern const std::string site_columns;  // alias s
core::Site read_site(const Statement& row);

// From agent_source (agents a joined to their accounts p); team_ids are not read here.
extern const std::string agent_columns;
extern const std::string agent_source;
extern const int agent_column_count;
core::Agent read_agent(const Statement& row, int first = 0);

extern const std::string contact_columns;  // alias ct; attributes are not read here
core::Contact read_contact(const Statement& row);

extern const std::string page_view_columns;  // alias pv
core::PageView read_page_view(const Statement& row);

// A conversation (alias c) is read with its last message (alias lm, joined by
// last_message_join after the query's other joins): its last seq, preview and time, and
// its activity, come from that message. A message writes nothing to its conversation's
// row (that rewrite was a page of WAL per message).
extern const std::string conversation_columns;
extern const std::string last_message_join;
// A conversation's activity: the later of its own last change and its last message.
extern const std::string conversation_activity;
// The columns with updated_at as stored, which for a closed conversation is its activity
// (closing stores it), so that listings can follow an index on it.
extern const std::string closed_conversation_columns;
core::Conversation read_conversation(const Statement& row, int first = 0);

extern const std::string message_columns;  // alias m
extern const int message_column_count;
core::Message read_message(const Statement& row, int first = 0);

extern const std::string canned_columns;  // alias c
core::CannedResponse read_canned(const Statement& row);

extern const std::string note_columns;  // alias n
core::Note read_note(const Statement& row);

std::optional<core::Conversation> load_conversation(Database& db, Id workspace_id, Id id);

}  // namespace juttu::store::sqlite
