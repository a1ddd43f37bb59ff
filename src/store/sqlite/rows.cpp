#include "store/sqlite/rows.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>

#include "core/business_hours_text.hpp"

namespace juttu::store::sqlite {

namespace {

constexpr std::size_t preview_max_chars = 140;

core::FieldRule field_rule(const std::string& text) {
    return core::parse_field_rule(text).value_or(core::FieldRule::off);
}

}  // namespace

bool is_unique_violation(const SqliteError& error) {
    return error.code() == SQLITE_CONSTRAINT_UNIQUE || error.code() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// The first preview_max_chars characters, never splitting a UTF-8 sequence.
std::string preview_of(std::string_view body) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        auto byte = static_cast<unsigned char>(body[i]);
        bool starts_character = (byte & 0xC0) != 0x80;
        if (!starts_character) continue;
        if (chars == preview_max_chars) return std::string(body.substr(0, i));
        ++chars;
    }
    return std::string(body);
}

std::string join(const std::vector<std::string>& parts, char separator) {
    std::string joined;
    for (const std::string& part : parts) {
        if (!joined.empty()) joined += separator;
        joined += part;
    }
    return joined;
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    while (!text.empty()) {
        const std::size_t end = text.find(separator);
        const std::string_view part = text.substr(0, end);
        if (!part.empty()) parts.emplace_back(part);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return parts;
}

// The question comes last: it may contain ';'.
std::string encode_prechat(const core::PrechatForm& form) {
    std::string out = form.enabled ? "1;" : "0;";
    for (const auto rule : {form.name, form.email, form.team}) {
        out += core::to_string(rule);
        out += ';';
    }
    out += form.question_required ? "1;" : "0;";
    return out + form.question;
}

core::PrechatForm decode_prechat(std::string_view text) {
    core::PrechatForm form;
    std::vector<std::string> fields;
    for (int i = 0; i < 5 && !text.empty(); ++i) {
        const auto end = text.find(';');
        fields.emplace_back(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    }
    if (fields.size() < 5) return form;
    form.enabled = fields[0] == "1";
    form.name = field_rule(fields[1]);
    form.email = field_rule(fields[2]);
    form.team = field_rule(fields[3]);
    form.question_required = fields[4] == "1";
    form.question = std::string(text);
    return form;
}

// Each translation as "<language>;<greeting bytes>;<offline bytes>;<greeting><offline>":
// the texts may hold any character, so they are counted, never delimited.
std::string encode_translations(const std::vector<core::SiteTexts>& translations) {
    std::string out;
    for (const auto& t : translations) {
        out += t.language + ';' + std::to_string(t.greeting.size()) + ';' +
               std::to_string(t.offline_message.size()) + ';' + t.greeting + t.offline_message;
    }
    return out;
}

std::vector<core::SiteTexts> decode_translations(std::string_view text) {
    std::vector<core::SiteTexts> translations;
    auto field = [&text]() -> std::optional<std::string_view> {
        const auto end = text.find(';');
        if (end == std::string_view::npos) return std::nullopt;
        auto value = text.substr(0, end);
        text.remove_prefix(end + 1);
        return value;
    };
    auto count = [](std::string_view digits) -> std::optional<std::size_t> {
        std::size_t value = 0;
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
        return value;
    };
    while (!text.empty()) {
        auto language = field();
        auto greeting_bytes = language ? field() : std::nullopt;
        auto offline_bytes = greeting_bytes ? field() : std::nullopt;
        auto g = greeting_bytes ? count(*greeting_bytes) : std::nullopt;
        auto o = offline_bytes ? count(*offline_bytes) : std::nullopt;
        if (!g || !o || *g + *o > text.size()) break;  // what a newer version wrote: stop
        translations.push_back({std::string(*language), std::string(text.substr(0, *g)),
                                std::string(text.substr(*g, *o))});
        text.remove_prefix(*g + *o);
    }
    return translations;
}

std::vector<core::IdentitySecret> decode_identity_secrets(std::string_view text) {
    std::vector<core::IdentitySecret> secrets;
    for (const auto& item : split(text, ',')) {
        const auto first = item.find(':');
        const auto second = first == std::string::npos ? first : item.find(':', first + 1);
        if (second == std::string::npos) continue;
        core::IdentitySecret secret;
        const auto* start = item.data();
        std::from_chars(start, start + first, secret.n);
        std::from_chars(start + first + 1, start + second, secret.created_at);
        secret.secret = item.substr(second + 1);
        secrets.push_back(std::move(secret));
    }
    std::sort(secrets.begin(), secrets.end(),
              [](const auto& a, const auto& b) { return a.n < b.n; });
    return secrets;
}

// --- Row readers. Each *_columns list matches its reader, with a fixed table alias. ---

const std::string workspace_columns = "w.id, w.name, w.created_at";

core::Workspace read_workspace(const Statement& row, int first) {
    return core::Workspace{row.column_int64(first), row.column_text(first + 1),
                           row.column_int64(first + 2)};
}

const std::string site_columns =
    "s.id, s.workspace_id, s.key, s.name, s.allowed_origins, s.greeting, s.color, s.created_at, "
    "s.routing, s.time_zone, s.always_open, s.schedule, s.prechat, s.offline_message, "
    "s.translations, s.require_verified_identity, "
    "(SELECT group_concat(i.n || ':' || i.created_at || ':' || i.secret, ',') "
    "FROM site_identity_secrets i WHERE i.site_id = s.id)";

core::Site read_site(const Statement& row) {
    core::Site site;
    site.id = row.column_int64(0);
    site.workspace_id = row.column_int64(1);
    site.key = row.column_text(2);
    site.name = row.column_text(3);
    site.allowed_origins = split(row.column_text(4), '\n');
    site.greeting = row.column_text(5);
    site.color = row.column_text(6);
    site.created_at = row.column_int64(7);
    site.routing = require(core::parse_routing_mode(row.column_text(8)), "site routing");
    site.hours = require(core::decode_schedule(row.column_text(11)), "site hours");
    site.hours.time_zone = row.column_text(9);
    site.hours.always_open = row.column_int64(10) != 0;
    site.prechat = decode_prechat(row.column_text(12));
    site.offline_message = row.column_text(13);
    site.translations = decode_translations(row.column_text(14));
    site.require_verified_identity = row.column_int64(15) != 0;
    site.identity_secrets = decode_identity_secrets(row.column_text(16));
    return site;
}

const std::string agent_columns =
    "a.id, a.workspace_id, p.email, a.name, a.role, a.disabled, a.created_at, a.capacity, "
    "a.languages, a.account_id";
const std::string agent_source = "agents a JOIN accounts p ON p.id = a.account_id";
const int agent_column_count = 10;

core::Agent read_agent(const Statement& row, int first) {
    core::Agent agent;
    agent.id = row.column_int64(first + 0);
    agent.workspace_id = row.column_int64(first + 1);
    agent.email = row.column_text(first + 2);
    agent.name = row.column_text(first + 3);
    agent.role = require(core::parse_role(row.column_text(first + 4)), "agent role");
    agent.disabled = row.column_int64(first + 5) != 0;
    agent.created_at = row.column_int64(first + 6);
    agent.capacity = static_cast<int>(row.column_int64(first + 7));
    agent.languages = split(row.column_text(first + 8), ',');
    agent.account_id = row.column_int64(first + 9);
    return agent;
}

const std::string contact_columns =
    "ct.id, ct.workspace_id, COALESCE(ct.site_id, 0), ct.name, ct.email, ct.first_seen, "
    "ct.last_seen, ct.visits, COALESCE(ct.external_id, '')";

core::Contact read_contact(const Statement& row) {
    core::Contact contact;
    contact.id = row.column_int64(0);
    contact.workspace_id = row.column_int64(1);
    contact.site_id = row.column_int64(2);
    contact.name = row.column_text(3);
    contact.email = row.column_text(4);
    contact.first_seen = row.column_int64(5);
    contact.last_seen = row.column_int64(6);
    contact.visits = row.column_int64(7);
    contact.external_id = row.column_text(8);
    return contact;
}

const std::string page_view_columns =
    "pv.id, pv.workspace_id, pv.contact_id, pv.url, pv.title, pv.referrer, pv.at";

core::PageView read_page_view(const Statement& row) {
    return core::PageView{row.column_int64(0), row.column_int64(1), row.column_int64(2),
                          row.column_text(3),  row.column_text(4),  row.column_text(5),
                          row.column_int64(6)};
}

namespace {

// The columns of a conversation, with `updated_at` the expression that gives its activity.
std::string conversation_columns_with(std::string_view updated_at) {
    // sqlite's substr counts characters, as preview_of does.
    return "c.id AS id, c.workspace_id, c.site_id, c.contact_id, c.status, c.assignee_id, "
           "COALESCE(lm.seq, 0), COALESCE(substr(lm.body, 1, " +
           std::to_string(preview_max_chars) +
           "), ''), COALESCE(lm.created_at, 0), c.created_at, " + std::string(updated_at) +
           " AS updated_at, c.closed_at, c.team_id, c.channel, c.missed, c.first_assigned_at, "
           "c.first_response_at";
}

}  // namespace

const std::string last_message_join =
    " LEFT JOIN messages lm ON lm.id = (SELECT id FROM messages WHERE conversation_id = c.id "
    "ORDER BY seq DESC LIMIT 1)";
const std::string conversation_activity = "MAX(c.updated_at, COALESCE(lm.created_at, 0))";
const std::string conversation_columns = conversation_columns_with(conversation_activity);
const std::string closed_conversation_columns = conversation_columns_with("c.updated_at");

core::Conversation read_conversation(const Statement& row, int first) {
    core::Conversation conversation;
    conversation.id = row.column_int64(first + 0);
    conversation.workspace_id = row.column_int64(first + 1);
    conversation.site_id = row.column_int64(first + 2);
    conversation.contact_id = row.column_int64(first + 3);
    conversation.status =
        require(core::parse_status(row.column_text(first + 4)), "conversation status");
    conversation.assignee_id = row.column_optional_int64(first + 5);
    conversation.last_seq = row.column_int64(first + 6);
    conversation.last_message_preview = row.column_text(first + 7);
    conversation.last_message_at = row.column_int64(first + 8);
    conversation.created_at = row.column_int64(first + 9);
    conversation.updated_at = row.column_int64(first + 10);
    conversation.closed_at = row.column_optional_int64(first + 11);
    conversation.team_id = row.column_optional_int64(first + 12);
    conversation.channel =
        require(core::parse_channel(row.column_text(first + 13)), "conversation channel");
    conversation.missed = row.column_int64(first + 14) != 0;
    conversation.first_assigned_at = row.column_optional_int64(first + 15);
    conversation.first_response_at = row.column_optional_int64(first + 16);
    return conversation;
}

const std::string message_columns =
    "m.id, m.conversation_id, m.seq, COALESCE(m.client_id, ''), m.author_kind, m.author_id, "
    "m.body, m.created_at, m.author_name";
const int message_column_count = 9;

core::Message read_message(const Statement& row, int first) {
    core::Message message;
    message.id = row.column_int64(first + 0);
    message.conversation_id = row.column_int64(first + 1);
    message.seq = row.column_int64(first + 2);
    message.client_id = row.column_text(first + 3);
    message.author_kind =
        require(core::parse_author_kind(row.column_text(first + 4)), "author kind");
    message.author_id = row.column_optional_int64(first + 5);
    message.body = row.column_text(first + 6);
    message.created_at = row.column_int64(first + 7);
    message.author_name = row.column_text(first + 8);
    return message;
}

const std::string canned_columns =
    "c.id, c.workspace_id, c.shortcut, c.title, c.body, c.created_at, c.team_id, c.language";

core::CannedResponse read_canned(const Statement& row) {
    core::CannedResponse response;
    response.id = row.column_int64(0);
    response.workspace_id = row.column_int64(1);
    response.shortcut = row.column_text(2);
    response.title = row.column_text(3);
    response.body = row.column_text(4);
    response.created_at = row.column_int64(5);
    response.team_id = row.column_optional_int64(6);
    response.language = row.column_text(7);
    return response;
}

const std::string note_columns =
    "n.id, n.workspace_id, n.conversation_id, n.agent_id, n.author_name, n.body, n.created_at";

core::Note read_note(const Statement& row) {
    return core::Note{row.column_int64(0),          row.column_int64(1), row.column_int64(2),
                      row.column_optional_int64(3), row.column_text(4),  row.column_text(5),
                      row.column_int64(6)};
}

std::optional<core::Conversation> load_conversation(Database& db, Id workspace_id, Id id) {
    static const std::string sql = "SELECT " + conversation_columns + " FROM conversations c" +
                                   last_message_join + " WHERE c.id = ? AND c.workspace_id = ?";
    Statement query = db.prepare(sql);
    query.bind_all(id, workspace_id);
    if (!query.step()) return std::nullopt;
    return read_conversation(query);
}

}  // namespace juttu::store::sqlite
