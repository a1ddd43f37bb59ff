#include "api/json_codec.hpp"

#include <boost/json/parse.hpp>

#include "core/business_hours_text.hpp"
#include "core/validation.hpp"

namespace juttu::api {

namespace {

json::array intervals_json(const std::vector<core::OpeningInterval>& intervals) {
    json::array out;
    for (const auto& interval : intervals) {
        out.emplace_back(json::object{{"open", core::format_clock(interval.open_minute)},
                                      {"close", core::format_clock(interval.close_minute)}});
    }
    return out;
}

json::value optional_id(const std::optional<core::Id>& id) {
    return id ? json::value(*id) : json::value(nullptr);
}

template <class T>
json::array array_of(const std::vector<T>& items) {
    json::array out;
    for (const auto& item : items) out.emplace_back(item);
    return out;
}

}  // namespace

json::object to_json(const core::Workspace& workspace) {
    return {{"id", workspace.id}, {"name", workspace.name}, {"created_at", workspace.created_at}};
}

json::object to_json(const core::SiteTexts& texts) {
    return {{"language", texts.language},
            {"greeting", texts.greeting},
            {"offline_message", texts.offline_message}};
}

namespace {

json::array identity_slots_json(const std::vector<core::IdentitySecret>& secrets) {
    json::array slots;
    for (const auto& secret : secrets) {
        slots.emplace_back(json::object{{"n", secret.n}, {"created_at", secret.created_at}});
    }
    return slots;
}

}  // namespace

json::object to_json(const core::IdentitySecret& secret) {
    return {{"n", secret.n}, {"secret", secret.secret}, {"created_at", secret.created_at}};
}

json::object to_json(const core::Site& site) {
    json::array origins;
    for (const auto& origin : site.allowed_origins) origins.emplace_back(origin);
    json::array translations;
    for (const auto& texts : site.translations) translations.emplace_back(to_json(texts));
    return {{"id", site.id},
            {"workspace_id", site.workspace_id},
            {"key", site.key},
            {"name", site.name},
            {"allowed_origins", std::move(origins)},
            {"greeting", site.greeting},
            {"offline_message", site.offline_message},
            {"translations", std::move(translations)},
            {"color", site.color},
            {"created_at", site.created_at},
            {"routing", core::to_string(site.routing)},
            {"hours", to_json(site.hours)},
            {"prechat", to_json(site.prechat)},
            {"require_verified_identity", site.require_verified_identity},
            // Which slots hold a secret, never the secrets: agents read sites too.
            {"identity_secrets", identity_slots_json(site.identity_secrets)}};
}

json::object to_json(const core::BusinessHours& hours) {
    json::array weekly;
    for (const auto& day : hours.weekly) weekly.emplace_back(intervals_json(day));
    json::array exceptions;
    for (const auto& exception : hours.exceptions) {
        exceptions.emplace_back(json::object{{"date", core::format_date(exception)},
                                             {"intervals", intervals_json(exception.intervals)}});
    }
    return {{"time_zone", hours.time_zone},
            {"always_open", hours.always_open},
            {"weekly", std::move(weekly)},
            {"exceptions", std::move(exceptions)}};
}

json::object to_json(const core::PrechatForm& form) {
    return {{"enabled", form.enabled},
            {"name", core::to_string(form.name)},
            {"email", core::to_string(form.email)},
            {"team", core::to_string(form.team)},
            {"question", {{"label", form.question}, {"required", form.question_required}}}};
}

json::object to_json(const core::Team& team) {
    return {{"id", team.id},
            {"name", team.name},
            {"agent_ids", array_of(team.agent_ids)},
            {"created_at", team.created_at}};
}

json::object to_json(const core::Note& note) {
    return {{"id", note.id},
            {"conversation_id", note.conversation_id},
            {"agent_id", optional_id(note.agent_id)},
            {"author_name", note.author_name},
            {"body", note.body},
            {"created_at", note.created_at}};
}

json::object to_json(const core::Agent& agent) {
    return {{"id", agent.id},
            {"workspace_id", agent.workspace_id},
            {"email", agent.email},
            {"name", agent.name},
            {"role", core::to_string(agent.role)},
            {"disabled", agent.disabled},
            {"capacity", agent.capacity},
            {"languages", array_of(agent.languages)},
            {"team_ids", array_of(agent.team_ids)},
            {"created_at", agent.created_at}};
}

json::object to_json(const core::Contact& contact) {
    json::object attributes;
    for (const auto& [key, value] : contact.attributes) attributes[key] = value;
    return {{"id", contact.id},
            {"site_id", contact.site_id},
            {"name", contact.name},
            {"email", contact.email},
            {"attributes", std::move(attributes)},
            {"first_seen", contact.first_seen},
            {"last_seen", contact.last_seen},
            {"visits", contact.visits},
            {"verified", contact.verified()},
            {"external_id", contact.verified() ? json::value(contact.external_id) : nullptr}};
}

json::object to_json(const core::Conversation& conversation) {
    return {{"id", conversation.id},
            {"site_id", conversation.site_id},
            {"contact_id", conversation.contact_id},
            {"status", core::to_string(conversation.status)},
            {"assignee_id", optional_id(conversation.assignee_id)},
            {"last_seq", conversation.last_seq},
            {"last_message_preview", conversation.last_message_preview},
            {"last_message_at", conversation.last_message_at},
            {"created_at", conversation.created_at},
            {"updated_at", conversation.updated_at},
            {"closed_at", optional_id(conversation.closed_at)},
            {"team_id", optional_id(conversation.team_id)},
            {"channel", core::to_string(conversation.channel)},
            {"missed", conversation.missed},
            // Missed stays true for reports; the inbox stops flagging it once answered.
            {"answered_after_missed",
             conversation.missed && conversation.first_response_at.has_value()},
            {"first_assigned_at", optional_id(conversation.first_assigned_at)},
            {"first_response_at", optional_id(conversation.first_response_at)}};
}

json::value assignee_json(const core::Conversation& conversation, std::string_view name) {
    if (!conversation.assignee_id) return nullptr;
    return json::object{{"id", *conversation.assignee_id}, {"name", name}};
}

json::object author_json(core::AuthorKind kind, std::optional<core::Id> id,
                         std::optional<std::string_view> name) {
    json::object author{{"kind", core::to_string(kind)}, {"id", optional_id(id)}};
    if (name) author["name"] = *name;
    return author;
}

json::object to_json(const core::Message& message) {
    json::object out{
        {"id", message.id},
        {"conversation_id", message.conversation_id},
        {"seq", message.seq},
        {"client_id", message.client_id},
        {"author", author_json(message.author_kind, message.author_id, message.author_name)},
        {"body", message.body},
        {"created_at", message.created_at}};
    if (!message.attachments.empty()) out["attachments"] = to_json_array(message.attachments);
    return out;
}

json::object to_json(const core::Attachment& attachment) {
    json::object out{{"id", attachment.id},
                     {"name", attachment.name},
                     {"size", attachment.size},
                     {"type", attachment.type},
                     {"kind", attachment.image ? "image" : "file"},
                     {"url", attachment.url}};
    if (attachment.image) {
        if (attachment.width) out["width"] = *attachment.width;
        if (attachment.height) out["height"] = *attachment.height;
        out["thumbnail_url"] = attachment.thumbnail_url;
    }
    return out;
}

json::object to_json(const core::PageView& view) {
    return {{"id", view.id},       {"contact_id", view.contact_id}, {"url", view.url},
            {"title", view.title}, {"referrer", view.referrer},     {"at", view.at}};
}

json::object to_json(const core::ReadMark& mark) {
    return {{"reader", author_json(mark.reader_kind, mark.reader_id)}, {"seq", mark.seq}};
}

json::object to_json(const core::CannedResponse& response) {
    return {{"id", response.id},
            {"shortcut", response.shortcut},
            {"title", response.title},
            {"body", response.body},
            {"team_id", optional_id(response.team_id)},
            {"language", response.language},
            {"created_at", response.created_at}};
}

std::optional<json::object> parse_object(std::string_view text) {
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

const json::value* FieldReader::find(std::string_view key, bool required) {
    if (error_) return nullptr;
    const auto* value = object_.if_contains(key);
    if (value == nullptr && required) fail(key, "is required");
    return value;
}

void FieldReader::fail(std::string_view key, std::string_view expectation) {
    if (!error_) error_ = "field '" + std::string(key) + "' " + std::string(expectation);
}

std::optional<std::string> FieldReader::text(std::string_view key, bool required,
                                             std::size_t max_bytes) {
    const auto* value = find(key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
        fail(key, "must be a string");
        return std::nullopt;
    }
    const auto& text = value->get_string();
    if (text.size() > max_bytes) {
        fail(key, "is too long (at most " + std::to_string(max_bytes) + " bytes)");
        return std::nullopt;
    }
    // Boost.JSON keeps strings valid UTF-8, so the control checks may assume it.
    if (!core::is_clean_text(text)) {
        fail(key, "must not hold control characters other than newline and tab");
        return std::nullopt;
    }
    return std::string(text);
}

std::optional<std::string> FieldReader::line(std::string_view key, bool required,
                                             std::size_t max_bytes) {
    auto value = text(key, required, max_bytes);
    if (value && !core::is_single_line(*value)) {
        fail(key, "must be one line without control characters");
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> FieldReader::integer(std::string_view key, bool required,
                                                 std::int64_t min, std::int64_t max) {
    const auto* value = find(key, required);
    if (value == nullptr) return std::nullopt;
    std::optional<std::int64_t> number;
    if (value->is_int64()) number = value->get_int64();
    if (value->is_uint64() && value->get_uint64() <= INT64_MAX) {
        number = static_cast<std::int64_t>(value->get_uint64());
    }
    if (!number) {
        fail(key, "must be an integer");
        return std::nullopt;
    }
    if (*number < min || *number > max) {
        fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return number;
}

std::optional<bool> FieldReader::boolean(std::string_view key, bool required) {
    const auto* value = find(key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_bool()) {
        fail(key, "must be true or false");
        return std::nullopt;
    }
    return value->get_bool();
}

std::optional<std::vector<std::string>> FieldReader::texts(std::string_view key, bool required,
                                                           std::size_t max_items) {
    const auto* value = find(key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_array() || value->get_array().size() > max_items) {
        fail(key, "must be an array of at most " + std::to_string(max_items) + " strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& item : value->get_array()) {
        if (!item.is_string()) {
            fail(key, "must hold only strings");
            return std::nullopt;
        }
        out.emplace_back(item.get_string());
    }
    return out;
}

std::optional<std::optional<std::int64_t>> FieldReader::nullable_integer(std::string_view key,
                                                                         bool required) {
    const auto* value = find(key, required);
    if (value == nullptr) return std::nullopt;
    if (value->is_null()) return std::optional<std::int64_t>{};
    auto number = integer(key, true, 1);
    if (!number) return std::nullopt;
    return std::optional<std::int64_t>{*number};
}

std::optional<std::vector<std::int64_t>> FieldReader::integers(std::string_view key, bool required,
                                                               std::size_t max_items) {
    const auto* value = find(key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_array() || value->get_array().size() > max_items) {
        fail(key, "must be an array of at most " + std::to_string(max_items) + " integers");
        return std::nullopt;
    }
    std::vector<std::int64_t> out;
    for (const auto& item : value->get_array()) {
        if (!item.is_int64() || item.get_int64() < 1) {
            fail(key, "must hold only ids (positive integers)");
            return std::nullopt;
        }
        out.push_back(item.get_int64());
    }
    return out;
}

const json::object* FieldReader::object(std::string_view key, bool required) {
    const auto* value = find(key, required);
    if (value == nullptr) return nullptr;
    if (!value->is_object()) {
        fail(key, "must be an object");
        return nullptr;
    }
    return &value->get_object();
}

}  // namespace juttu::api
